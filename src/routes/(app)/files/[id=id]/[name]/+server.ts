import { error } from '@sveltejs/kit';
import { requestContext } from '$lib/server/context';
import { NotFoundError } from '$lib/server/errors';
import { openAttachment } from '$lib/server/files/attachment.service';
import { canViewPage } from '$lib/server/knowledge/page.service';
import { canViewPost } from '$lib/server/feeds/post.service';
import { canSeeMemo } from '$lib/server/memos/memo-files.service';
import type { RequestHandler } from './$types';

/** Types a browser may show in place; everything else downloads. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|application\/pdf)$/;

/** RFC 6266: an ASCII fallback for old clients and the exact UTF-8 name for the rest. */
function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
	const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	const exact = encodeURIComponent(fileName).replace(
		/['()*]/g,
		(c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`
	);
	return `${kind}; filename="${ascii}"; filename*=UTF-8''${exact}`;
}

/** Whether If-None-Match (a list, maybe weak, maybe `*`) names this entity tag. */
function matchesEtag(header: string | null, etag: string): boolean {
	if (!header) return false;
	return header
		.split(',')
		.map((tag) => tag.trim().replace(/^W\//, ''))
		.some((tag) => tag === etag || tag === '*');
}

/**
 * Serves an uploaded file to its uploader, or once attached to people who may see its post, page
 * or memo. The name in the URL is for the person's benefit only; the id decides.
 */
export const GET: RequestHandler = async (event) => {
	const ctx = requestContext(event);
	let file;
	try {
		file = await openAttachment(ctx, Number(event.params.id), {
			post: (postId) => canViewPost(ctx, postId),
			page: (pageId) => canViewPage(ctx, pageId),
			memo: (memoId) => canSeeMemo(ctx, memoId)
		});
	} catch (e) {
		// A link opened in the browser: show the app's own "not found" page, not JSON.
		if (e instanceof NotFoundError) error(404, e.message);
		throw e;
	}
	// The bytes never change under an id, so their hash is a strong validator.
	const etag = `"${file.sha256}"`;
	const headers: Record<string, string> = {
		etag,
		// Private: these files are only for people who may see the post, never a shared cache.
		'cache-control': 'private, max-age=3600',
		'x-content-type-options': 'nosniff',
		// A file is never a page: no scripts, no plugins, even if a browser were fooled into
		// rendering a PDF or a text file as one.
		'content-security-policy':
			"sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'; " +
			"object-src 'none'; base-uri 'none'; frame-ancestors 'none'"
	};
	if (matchesEtag(event.request.headers.get('if-none-match'), etag))
		return new Response(null, { status: 304, headers });
	return new Response(file.bytes as BodyInit, {
		headers: {
			...headers,
			'content-type': file.contentType.startsWith('text/')
				? `${file.contentType}; charset=utf-8`
				: file.contentType,
			'content-length': String(file.bytes.byteLength),
			'content-disposition': contentDisposition(
				INLINE.test(file.contentType) ? 'inline' : 'attachment',
				file.fileName
			)
		}
	});
};
