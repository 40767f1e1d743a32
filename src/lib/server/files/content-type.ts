/**
 * What an uploaded file really is, decided from its bytes (magic numbers), never from its name
 * or the browser's claim, against an allow-list. SVG is refused: it can carry script.
 */
import { fileTypeFromBuffer } from 'file-type';
import { imageSize } from 'image-size';
import { ValidationError } from '../errors.ts';

const IMAGES: Record<string, string> = {
	'image/png': 'png',
	'image/jpeg': 'jpg',
	'image/gif': 'gif',
	'image/webp': 'webp'
};

const DOCUMENTS: Record<string, string> = {
	'application/pdf': 'pdf',
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document': 'docx',
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet': 'xlsx',
	'application/vnd.openxmlformats-officedocument.presentationml.presentation': 'pptx',
	'application/vnd.oasis.opendocument.text': 'odt',
	'application/vnd.oasis.opendocument.spreadsheet': 'ods',
	'application/vnd.oasis.opendocument.presentation': 'odp'
};

/** Text has no magic number: only these names, and only when the bytes are UTF-8 text. */
const TEXT_EXTENSIONS: Record<string, string> = {
	txt: 'text/plain',
	csv: 'text/csv',
	md: 'text/markdown'
};

/** What some refused types are, in words, so the message explains itself. */
const KNOWN_DANGERS: Record<string, string> = {
	exe: 'a Windows program',
	elf: 'a Linux program',
	macho: 'a macOS program',
	msi: 'a Windows installer',
	svg: 'an SVG image, which can contain scripts',
	html: 'a web page',
	zip: 'a zip archive',
	xml: 'an XML document'
};

export const ALLOWED_TYPES_SENTENCE =
	'Allowed: images (PNG, JPEG, GIF, WebP), PDF, office documents, text and CSV.';

export type DetectedType = {
	mime: string;
	/** The usual extension of the detected type, without the dot. */
	ext: string;
	kind: 'image' | 'file';
	/** Pixel size of images; null for other files. */
	width: number | null;
	height: number | null;
};

function isPlainUtf8(bytes: Uint8Array): boolean {
	if (bytes.includes(0)) return false;
	try {
		new TextDecoder('utf-8', { fatal: true }).decode(bytes);
		return true;
	} catch {
		return false;
	}
}

/** Width and height from the image's header, or null when the header cannot be read. */
function dimensionsOf(bytes: Uint8Array): { width: number; height: number } | null {
	// image-size reads through `bytes.buffer` without the view's length, so a view into a larger
	// buffer (a slice, Node's pooled Buffers) could be read past its end: give it its own copy.
	const own =
		bytes.byteOffset === 0 && bytes.byteLength === bytes.buffer.byteLength ? bytes : bytes.slice();
	try {
		const size = imageSize(own);
		return size.width > 0 && size.height > 0 ? { width: size.width, height: size.height } : null;
	} catch {
		return null;
	}
}

/**
 * Decides the type of an upload from its bytes; `fileName` only names it in messages and picks
 * between the text types. Throws ValidationError naming the file when it is not allowed.
 */
export async function detectFileType(bytes: Uint8Array, fileName: string): Promise<DetectedType> {
	const detected = await fileTypeFromBuffer(bytes);
	const imageExt = detected && IMAGES[detected.mime];
	if (detected && imageExt) {
		// A browser would show a broken image anyway; say so now, while the person can fix it.
		const size = dimensionsOf(bytes);
		if (!size) {
			const message = `“${fileName}” looks like an image but it is damaged. Choose a different file.`;
			throw new ValidationError(message, { attachments: message });
		}
		return { mime: detected.mime, ext: imageExt, kind: 'image', ...size };
	}
	const documentExt = detected && DOCUMENTS[detected.mime];
	if (detected && documentExt)
		return { mime: detected.mime, ext: documentExt, kind: 'file', width: null, height: null };
	const extension = fileName.toLowerCase().split('.').pop() ?? '';
	const textMime = TEXT_EXTENSIONS[extension];
	if (!detected && textMime && isPlainUtf8(bytes))
		return { mime: textMime, ext: extension, kind: 'file', width: null, height: null };
	const looksLike = detected
		? (KNOWN_DANGERS[detected.ext] ?? `a ${detected.ext.toUpperCase()} file`)
		: /<svg[\s>]/i.test(new TextDecoder().decode(bytes.subarray(0, 2048)))
			? KNOWN_DANGERS.svg
			: null;
	// The field's message is the whole reason: without JavaScript it is the one shown.
	const message = `“${fileName}” is not an allowed file type${looksLike ? ` (it looks like ${looksLike})` : ''}. ${ALLOWED_TYPES_SENTENCE}`;
	throw new ValidationError(message, { attachments: message });
}
