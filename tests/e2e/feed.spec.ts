/**
 * Feeds in real Chromium: following a department brings its posts live into the feed, comments and
 * reactions reach the author, bad input keeps what was typed, and posting works without JavaScript.
 */
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import { signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

const hannah = 'hannah.fischer@commons.test'; // the Chief Executive's office (agency)
const jamal = 'jamal.hassan@commons.test'; // Transport

test('following a department brings its new post live; comments and reactions reach the author', async ({
	page,
	browser
}) => {
	const run = Date.now().toString(36);
	await signIn(page, hannah);

	// Hannah follows Transport from its page.
	await visit(page, '/d/transport');
	const follow = page.getByRole('button', { name: /^Follow/ });
	if (await follow.isVisible()) await follow.click();
	await expect(page.getByRole('button', { name: /^Following/ })).toBeVisible();
	await visit(page, '/feed');

	// Jamal posts in Transport from another browser.
	const other = await browser.newContext();
	const jamalPage = await other.newPage();
	await signIn(jamalPage, jamal);
	await jamalPage.getByLabel('Your post').fill(`Tram line 4 reopens on Monday ${run}`);
	await jamalPage.getByRole('button', { name: 'Post', exact: true }).click();
	await expect(jamalPage.getByText('Posted.')).toBeVisible();

	// Hannah sees the bar appear without a reload, then the post.
	const bar = page.getByRole('button', { name: /1 new post/ });
	await expect(bar).toBeVisible();
	await bar.click();
	const post = page
		.getByRole('article')
		.filter({ hasText: `Tram line 4 reopens on Monday ${run}` });
	await expect(post).toBeVisible();
	await expectAccessible(page);

	// She reacts and comments.
	await post.getByRole('button', { name: /^Celebrate/ }).click();
	await expect(
		post.getByRole('button', { name: /^Celebrate, 1 reaction, you reacted/ })
	).toBeVisible();
	await post.getByRole('link', { name: /0 comments/ }).click();
	await expect(page.getByRole('heading', { name: 'Comments' })).toBeVisible();
	await page.getByLabel('Add a comment').fill(`Great news for the east side ${run}`);
	await page.getByRole('button', { name: 'Comment', exact: true }).click();
	await expect(page.getByText(`Great news for the east side ${run}`)).toBeVisible();
	await expectAccessible(page);

	// Jamal sees both on his post.
	await jamalPage.reload();
	const own = jamalPage
		.getByRole('article')
		.filter({ hasText: `Tram line 4 reopens on Monday ${run}` });
	await expect(own.getByRole('button', { name: /^Celebrate, 1 reaction/ })).toBeVisible();
	await own.getByRole('link', { name: /1 comment/ }).click();
	await expect(jamalPage.getByText(`Great news for the east side ${run}`)).toBeVisible();
	await expectAccessible(jamalPage);
});

test('an over-long post is refused with the error on the field, keeping the text', async ({
	page
}) => {
	await signIn(page, hannah);
	const text = 'A'.repeat(20_001);
	// The browser's maxlength would stop a person typing this; a script or a paste around it
	// reaches the server, which must answer clearly.
	await page.getByLabel('Your post').evaluate((el: HTMLTextAreaElement, value) => {
		el.removeAttribute('maxlength');
		el.value = value;
		el.dispatchEvent(new Event('input', { bubbles: true }));
	}, text);
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	const field = page.getByLabel('Your post');
	await expect(page.getByText(/at most 20,000 characters/).first()).toBeVisible();
	await expect(field).toHaveAttribute('aria-invalid', 'true');
	await expect(field).toHaveValue(text);
	await expectAccessible(page);
});

test('posting and reacting work without JavaScript', async ({ page }) => {
	const run = Date.now().toString(36);
	// The app's scripts never load, as with JavaScript off (axe is injected by the test runner,
	// so the pages are still checked).
	await page.route(/\/_app\/.*\.js(\?.*)?$/, (route) => route.abort());
	await signIn(page, jamal);

	await page.getByLabel('Your post').fill(`No-script update ${run}`);
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	await expect(page).toHaveURL(/\/feed\?\/post$/);
	await visit(page, '/feed');
	const post = page.getByRole('article').filter({ hasText: `No-script update ${run}` });
	await expect(post).toBeVisible();
	await post.getByRole('button', { name: /^Like/ }).click();
	// The reaction's form came from the feed, so the browser lands back on it.
	await expect(page).toHaveURL(/\/feed$/);
	await expect(
		page
			.getByRole('article')
			.filter({ hasText: `No-script update ${run}` })
			.getByRole('button', { name: /^Like, 1 reaction, you reacted/ })
	).toBeVisible();
	await expectAccessible(page);
});

test('a department page lists members and sub-teams, and an unknown one is a 404', async ({
	page
}) => {
	await signIn(page, hannah);
	await visit(page, '/d/corporate-services');
	await expect(page.getByRole('heading', { level: 1, name: 'Corporate Services' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Teams within' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Members' })).toBeVisible();
	const missing = await visit(page, '/d/no-such-team');
	expect(missing?.status()).toBe(404);
	// Investigations is members-only: to everyone else it does not exist.
	const hidden = await visit(page, '/d/investigations');
	expect(hidden?.status()).toBe(404);
});

/** A real greyscale PNG of noise: it does not compress, so it is about width × height bytes. */
function noisyPng(width: number, height: number): Buffer {
	const table = Array.from({ length: 256 }, (_, n) => {
		let c = n;
		for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
		return c >>> 0;
	});
	const crc = (bytes: Buffer) => {
		let c = 0xffffffff;
		for (const b of bytes) c = table[(c ^ b) & 0xff]! ^ (c >>> 8);
		return (c ^ 0xffffffff) >>> 0;
	};
	const chunk = (type: string, data: Buffer) => {
		const body = Buffer.concat([Buffer.from(type, 'ascii'), data]);
		const out = Buffer.alloc(12 + data.length);
		out.writeUInt32BE(data.length, 0);
		body.copy(out, 4);
		out.writeUInt32BE(crc(body), 8 + data.length);
		return out;
	};
	const header = Buffer.alloc(13);
	header.writeUInt32BE(width, 0);
	header.writeUInt32BE(height, 4);
	header[8] = 8;
	const rows = randomBytes((width + 1) * height);
	for (let y = 0; y < height; y++) rows[y * (width + 1)] = 0;
	return Buffer.concat([
		Buffer.from([0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]),
		chunk('IHDR', header),
		chunk('IDAT', deflateSync(rows, { level: 0 })),
		chunk('IEND', Buffer.alloc(0))
	]);
}

test('a post with a 1 MB photo shows the photo at its size; a program renamed .png is refused', async ({
	page
}) => {
	const run = Date.now().toString(36);
	await signIn(page, hannah);
	const files = page.getByLabel(/Attach images or files/);
	await files.setInputFiles({
		name: 'setup.png',
		mimeType: 'image/png',
		buffer: Buffer.from('MZ' + 'x'.repeat(300))
	});
	await expect(page.getByText(/“setup.png” is not an allowed file type/)).toBeVisible();

	const photo = noisyPng(1000, 1000);
	expect(photo.byteLength).toBeGreaterThan(1_000_000);
	await files.setInputFiles({ name: `site-${run}.png`, mimeType: 'image/png', buffer: photo });
	await expect(page.getByRole('button', { name: `Remove site-${run}.png` })).toBeVisible();
	await page.getByLabel('Your post').fill(`Photo of the new depot ${run}`);
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	await expect(page.getByText('Posted.')).toBeVisible();
	await page.reload();
	const post = page.getByRole('article').filter({ hasText: `Photo of the new depot ${run}` });
	const image = post.getByRole('img', { name: `site-${run}.png` });
	await expect(image).toHaveAttribute('width', '1000');
	await expect(image).toHaveAttribute('height', '1000');
	expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1000);
	await expectAccessible(page);
});
