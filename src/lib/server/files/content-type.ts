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

const DOCUMENTS = new Set([
	'application/pdf',
	'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
	'application/vnd.openxmlformats-officedocument.spreadsheetml.sheet',
	'application/vnd.openxmlformats-officedocument.presentationml.presentation',
	'application/vnd.oasis.opendocument.text',
	'application/vnd.oasis.opendocument.spreadsheet',
	'application/vnd.oasis.opendocument.presentation'
]);

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
	kind: 'image' | 'file';
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

/** Decides the type of an upload; throws ValidationError naming the file when it is not allowed. */
export async function detectFileType(bytes: Uint8Array, fileName: string): Promise<DetectedType> {
	const detected = await fileTypeFromBuffer(bytes);
	if (detected && IMAGES[detected.mime]) {
		const size = imageSize(bytes);
		return { mime: detected.mime, kind: 'image', width: size.width, height: size.height };
	}
	if (detected && DOCUMENTS.has(detected.mime))
		return { mime: detected.mime, kind: 'file', width: null, height: null };
	const extension = fileName.toLowerCase().split('.').pop() ?? '';
	if (!detected && TEXT_EXTENSIONS[extension] && isPlainUtf8(bytes))
		return { mime: TEXT_EXTENSIONS[extension], kind: 'file', width: null, height: null };
	const looksLike = detected
		? (KNOWN_DANGERS[detected.ext] ?? `a ${detected.ext.toUpperCase()} file`)
		: /<svg[\s>]/i.test(new TextDecoder().decode(bytes.subarray(0, 2048)))
			? KNOWN_DANGERS.svg
			: null;
	throw new ValidationError(
		`“${fileName}” is not an allowed file type${looksLike ? ` (it looks like ${looksLike})` : ''}. ${ALLOWED_TYPES_SENTENCE}`,
		{ attachments: 'Choose a different file.' }
	);
}
