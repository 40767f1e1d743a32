import { requestContext } from '$lib/server/context';
import { openAttachment } from '$lib/server/files/attachment.service';
import { canViewPost } from '$lib/server/feeds/post.service';
import { apiHandler } from '$lib/server/http';
import type { RequestHandler } from './$types';

/** Types a browser may show in place; everything else downloads. */
const INLINE = /^(image\/(png|jpeg|gif|webp)|application\/pdf)$/;

/** RFC 6266: an ASCII fallback and the exact UTF-8 name. */
function contentDisposition(kind: 'inline' | 'attachment', fileName: string): string {
	const ascii = fileName.replace(/[^\x20-\x7e]/g, '_').replace(/["\\]/g, '_');
	return `${kind}; filename="${ascii}"; filename*=UTF-8''${encodeURIComponent(fileName)}`;
}

/** Serves an attached file to people who may see its post. */
export const GET: RequestHandler = apiHandler(async (event) => {
	const ctx = requestContext(event);
	const file = await openAttachment(ctx, Number(event.params.id), (postId) =>
		canViewPost(ctx, postId)
	);
	const etag = `"${file.sha256}"`;
	const headers: Record<string, string> = {
		etag,
		'cache-control': 'private, max-age=3600',
		'x-content-type-options': 'nosniff',
		// A file is never a page: no scripts, no plugins, even if a browser were fooled.
		'content-security-policy':
			"sandbox; default-src 'none'; img-src 'self'; style-src 'unsafe-inline'"
	};
	if (event.request.headers.get('if-none-match') === etag)
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
});
