/**
 * Feeds in real Chromium: following a department brings its posts live into the feed, comments and
 * reactions reach the author, bad input keeps what was typed, posting works without JavaScript,
 * "Load more" appends and department pages show what they should.
 */
import { randomBytes } from 'node:crypto';
import { deflateSync } from 'node:zlib';
import type { Page } from '@playwright/test';
import { signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

const hannah = 'hannah.fischer@commons.test'; // the Chief Executive's office (agency)
const jamal = 'jamal.hassan@commons.test'; // Transport
const ben = 'ben.taylor@commons.test'; // Environment & Parks
const ravi = 'ravi.patel@commons.test'; // Digital

/** Text no earlier run has posted: the tests run again on the same database. */
const unique = (text: string) =>
	`${text} ${Date.now().toString(36)}${randomBytes(2).toString('hex')}`;

test('following a department brings its new post live; comments and reactions reach the author', async ({
	page,
	browser
}) => {
	const tram = unique('Tram line 4 reopens on Monday');
	const reply = unique('Great news for the east side');
	await signIn(page, hannah);

	// Hannah follows Transport from its page (after an earlier run, she follows it already).
	await visit(page, '/d/transport');
	const unfollow = page.getByRole('button', { name: 'Unfollow Transport Planning', exact: true });
	if (await unfollow.isVisible()) {
		await unfollow.click();
		await expect(
			page.getByRole('button', { name: 'Follow Transport Planning', exact: true })
		).toBeVisible();
	}
	await page.getByRole('button', { name: 'Follow Transport Planning', exact: true }).click();
	// The button keeps the focus, now saying what it would undo.
	await expect(
		page.getByRole('button', { name: 'Unfollow Transport Planning', exact: true })
	).toBeFocused();
	await expect(
		page.getByRole('status').filter({ hasText: 'You follow Transport Planning' })
	).toBeVisible();
	await expectAccessible(page);
	await page
		.getByRole('navigation', { name: 'Primary' })
		.getByRole('link', { name: 'Feed' })
		.click();
	await expect(page.getByRole('heading', { level: 1, name: 'Feed' })).toBeVisible();

	// Jamal posts in Transport from another browser.
	const other = await browser.newContext();
	const jamalPage = await other.newPage();
	await signIn(jamalPage, jamal);
	await expect(jamalPage.getByLabel('Post to')).toHaveValue(/^\d+$/);
	await jamalPage.getByLabel('Your post').fill(tram);
	await jamalPage.getByRole('button', { name: 'Post', exact: true }).click();
	await expect(jamalPage.getByText('Posted.', { exact: true })).toBeVisible();
	// His own post appears at once for him, without the new-posts bar.
	await expect(jamalPage.getByRole('article').filter({ hasText: tram })).toBeVisible();
	await expect(jamalPage.getByRole('button', { name: /new post/ })).toHaveCount(0);
	await expectAccessible(jamalPage);

	// Hannah sees the bar appear without a reload, then the post, which takes focus. (Tests
	// running alongside post in Transport too, so the bar may count more than one.)
	const bar = page.getByRole('button', { name: /^\d+ new posts?/ });
	await expect(bar).toBeVisible();
	await expect(page.getByRole('article').filter({ hasText: tram })).toHaveCount(0);
	await bar.click();
	const post = page.getByRole('article').filter({ hasText: tram });
	await expect(post).toBeVisible();
	await expect(post).toBeFocused();
	await expect(bar).toHaveCount(0);
	await expect(post.getByRole('link', { name: 'Transport Planning' })).toBeVisible();
	await expectAccessible(page);

	// She reacts in the feed (a post shows the reactions it has and one button for the five),
	// and comments on the post's page.
	const addReaction = post.locator('summary', { hasText: 'Add a reaction' });
	await addReaction.click();
	const choices = post.getByRole('group', { name: 'Choose a reaction' });
	await expect(choices.getByRole('button')).toHaveCount(5);
	await expectAccessible(page);
	// Escape from a choice closes the picker and gives focus back to its button.
	await choices.getByRole('button', { name: 'Like', exact: true }).focus();
	await page.keyboard.press('Escape');
	await expect(choices).toHaveCount(0);
	await expect(addReaction).toBeFocused();
	// Chosen with the keyboard: the picker closes and focus is on the reaction, now pressed.
	await page.keyboard.press('Enter');
	await choices.getByRole('button', { name: /^Celebrate/ }).press('Enter');
	await expect(
		post.getByRole('button', { name: /^Celebrate, 1 reaction, you reacted/ })
	).toBeFocused();
	await expect(choices).toHaveCount(0);
	// Taking it back keeps the button (and the focus on it) until the page is reloaded.
	const celebrated = post.getByRole('button', { name: /^Celebrate/ });
	await celebrated.press('Enter');
	await expect(post.getByRole('button', { name: 'Celebrate', exact: true })).toBeFocused();
	await post.getByRole('button', { name: 'Celebrate', exact: true }).press('Enter');
	await expect(
		post.getByRole('button', { name: /^Celebrate, 1 reaction, you reacted/ })
	).toBeFocused();
	await post.getByRole('link', { name: '0 comments' }).click();
	await expect(page.getByRole('heading', { name: /^Comments/ })).toBeVisible();
	await page.getByLabel('Add a comment').fill(reply);
	await page.getByRole('button', { name: 'Comment', exact: true }).click();
	await expect(page.getByText(reply)).toBeVisible();
	await expectAccessible(page);

	// Jamal sees both on his post.
	await jamalPage.reload();
	const own = jamalPage.getByRole('article').filter({ hasText: tram });
	await expect(own.getByRole('button', { name: /^Celebrate, 1 reaction/ })).toBeVisible();
	await own.getByRole('link', { name: '1 comment' }).click();
	await expect(jamalPage.getByText(reply)).toBeVisible();
	await expectAccessible(jamalPage);
	await other.close();
});

test('an over-long post is refused with the error on the field, keeping the text', async ({
	page
}) => {
	await signIn(page, hannah);
	const text = unique('A'.repeat(20_001));
	const field = page.getByLabel('Your post');
	// The browser's maxlength stops a person typing this; a script or a paste around it reaches
	// the server, which must answer clearly.
	await field.evaluate((el: HTMLTextAreaElement, value) => {
		el.removeAttribute('maxlength');
		el.value = value;
		el.dispatchEvent(new Event('input', { bubbles: true }));
	}, text);
	// The visible count (a live region repeats it for screen readers after a pause).
	await expect(page.locator('#post-body-hint').getByText(/characters too many/)).toBeVisible();
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	await expect(page.getByRole('alert').filter({ hasText: /not published/ })).toBeVisible();
	await expect(field).toHaveAttribute('aria-invalid', 'true');
	await expect(field).toHaveAccessibleDescription(/at most 20,000 characters/);
	await expect(field).toHaveValue(text);
	await expect(field).toBeFocused();
	await expectAccessible(page);
});

test('the author deletes a post from the feed after confirming, and stays on the feed', async ({
	page
}) => {
	const text = unique('Posted by mistake');
	await signIn(page, ravi);
	await page.getByLabel('Your post').fill(text);
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	const post = page.getByRole('article').filter({ hasText: text });
	await expect(post).toBeVisible();
	await post.getByText('Actions', { exact: false }).first().click();
	await post.getByText('Delete', { exact: true }).click();
	await expect(post.getByText('Delete this post and its comments for everyone?')).toBeVisible();
	// Scrolled down, axe counts the posts above as overlapped by the shell's sticky header.
	await page.evaluate(() => window.scrollTo(0, 0));
	await expectAccessible(page);
	await post.getByRole('button', { name: 'Yes, delete' }).click();
	await expect(page.getByRole('article').filter({ hasText: text })).toHaveCount(0);
	await expect(page).toHaveURL(/\/feed$/);
	// Said, and the focus goes to the post that took its place, not to the page.
	await expect(page.getByText('Post deleted.', { exact: true })).toBeAttached();
	await expect(page.locator('article[data-post-id]:focus')).toHaveCount(1);
});

test('a department’s page shows its new posts live to a reader who does not follow it', async ({
	page,
	browser
}) => {
	const text = unique('Gritting lorries out tonight');
	await signIn(page, ben);
	await visit(page, '/d/operations');
	// Ben neither belongs to Operations nor follows it.
	await expect(page.getByRole('button', { name: 'Follow Operations' })).toBeVisible();

	const other = await browser.newContext();
	const priyaPage = await other.newPage();
	await signIn(priyaPage, 'priya.raman@commons.test');
	await visit(priyaPage, '/d/operations');
	await priyaPage.getByLabel('Your post').fill(text);
	await priyaPage.getByRole('button', { name: 'Post', exact: true }).click();
	await expect(priyaPage.getByText('Posted.', { exact: true })).toBeVisible();
	await expectAccessible(priyaPage);

	await page.getByRole('button', { name: /1 new post/ }).click();
	await expect(page.getByRole('article').filter({ hasText: text })).toBeVisible();
	await expectAccessible(page);
});

test('without JavaScript, communications staff can make an announcement, kept when refused', async ({
	page
}) => {
	await page.route(/\/_app\/.*\.js(\?.*)?$/, (route) => route.abort());
	await signIn(page, 'comms@commons.test');
	// The box cannot follow the audience select without JavaScript, so it is always offered.
	await expect(page.getByRole('checkbox', { name: 'Announcement' })).toBeVisible();
	await expect(page.getByText('For posts to the whole organisation.')).toBeVisible();
	await expectAccessible(page);
	const refused = await page.request.post('/feed?/post', {
		form: { body: 'x'.repeat(20_001), audience: 'organisation', announcement: 'on' },
		headers: { origin: new URL(page.url()).origin, accept: 'text/html' }
	});
	expect(refused.status()).toBe(400);
	expect(await refused.text()).toMatch(/<input id="post-announcement"[^>]*\bchecked\b/);
});

test('posting with a file works without JavaScript', async ({ page }) => {
	const text = unique('No-script update');
	// The app's scripts never load, as with JavaScript off. (A context with javaScriptEnabled:
	// false would also stop axe, which the test runner injects, so no page could be checked.)
	await page.route(/\/_app\/.*\.js(\?.*)?$/, (route) => route.abort());
	await signIn(page, jamal);

	// Refused without JavaScript: 400 and the feed again, the text kept in the field.
	const refused = await page.request.post('/feed?/post', {
		form: { body: `${text} ${'x'.repeat(20_001)}` },
		headers: { origin: new URL(page.url()).origin, accept: 'text/html' }
	});
	expect(refused.status()).toBe(400);
	expect(await refused.text()).toContain(text);

	await page.getByLabel('Your post').fill(text);
	await page.getByLabel('Attach images or files').setInputFiles({
		name: 'timetable.txt',
		mimeType: 'text/plain',
		buffer: Buffer.from('Line 4: every 10 minutes.\n')
	});
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	// Post, then redirect: a reload does not post twice.
	await expect(page).toHaveURL(/\/feed\?posted=1$/);
	await expect(page.getByText('Your post is published.')).toBeVisible();
	const post = page.getByRole('article').filter({ hasText: text });
	await expect(post).toBeVisible();
	await expect(post.getByRole('link', { name: /timetable\.txt/ })).toBeVisible();
	await expectAccessible(page);

	// A new reaction is chosen on the post's page (the feed shows only the reactions a post
	// has); a reaction shown in the feed is taken back from the feed, which comes back to it.
	await post.locator('summary', { hasText: 'Add a reaction' }).click();
	await post.getByRole('link', { name: "Choose a reaction on the post's page" }).click();
	await expect(page).toHaveURL(/\/posts\/\d+#reactions$/);
	await expect(page.locator('#reactions')).toBeInViewport();
	await page.getByRole('button', { name: /^Like/ }).click();
	// Back at the reactions, not the top of the page.
	await expect(page).toHaveURL(/\/posts\/\d+#reactions$/);
	await expect(page.getByRole('button', { name: 'Like, 1 reaction, you reacted' })).toBeVisible();
	await visit(page, '/feed');
	const liked = page.getByRole('article').filter({ hasText: text });
	await liked.getByRole('button', { name: 'Like, 1 reaction, you reacted' }).click();
	await expect(page).toHaveURL(/\/feed$/);
	await expect(
		page.getByRole('article').filter({ hasText: text }).getByRole('button', { name: /^Like/ })
	).toHaveCount(0);

	// The filter is a plain form with a button.
	await page.getByLabel('Show').selectOption('organisation');
	await page.getByRole('button', { name: 'Show', exact: true }).click();
	await expect(page).toHaveURL(/\/feed\?department=organisation$/);
	await expect(page.getByRole('article').filter({ hasText: text })).toHaveCount(0);
	await expectAccessible(page);
});

test('the feed filter narrows the feed and keeps focus on the select', async ({ page }) => {
	const text = unique('Digital stand-up moves to 9:30');
	await signIn(page, ravi);
	await page.getByLabel('Your post').fill(text);
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	await expect(page.getByRole('article').filter({ hasText: text })).toBeVisible();

	const filter = page.getByLabel('Show');
	await filter.focus();
	await filter.selectOption('organisation');
	await expect(page).toHaveURL(/\/feed\?department=organisation$/);
	await expect(filter).toBeFocused();
	await expect(page.getByRole('article').filter({ hasText: text })).toHaveCount(0);
	await expectAccessible(page);

	const digital = await filter
		.locator('option')
		.filter({ hasText: /^\s*Digital Services$/ })
		.getAttribute('value');
	await filter.selectOption(digital!);
	await expect(page).toHaveURL(new RegExp(`/feed\\?department=${digital}$`));
	// The menu is fetched after the page runs; the narrowed-to department stays selected in it.
	await expect(filter.locator('option')).not.toHaveCount(3);
	await expect(filter).toHaveValue(digital!);
	await page.reload();
	await expect(filter.locator('option')).not.toHaveCount(3);
	await expect(filter).toHaveValue(digital!);
	await expect(page.getByRole('article').filter({ hasText: text })).toBeVisible();
	await page.getByRole('link', { name: 'Digital Services: page and following' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Digital Services' })).toBeVisible();
	await expectAccessible(page);
});

test('"Load more" appends the next page and moves focus to it', async ({ page }) => {
	const prefix = unique('Parks bulletin');
	await signIn(page, ben);
	// Twenty-one posts in Environment & Parks: more than one page whatever else is there.
	const audience = await ownDepartmentId(page);
	for (let i = 1; i <= 21; i++) {
		const response = await page.request.post('/api/v1/posts', {
			data: { body: `${prefix} number ${i}`, audience }
		});
		expect(response.status(), await response.text()).toBe(201);
	}
	await visit(page, '/d/environment');
	const stream = page.getByRole('region', { name: 'Latest posts' }).getByRole('article');
	await expect(stream).toHaveCount(20);
	await page.getByRole('link', { name: 'Load more' }).click();
	await expect(stream.nth(20)).toBeFocused();
	expect(await stream.count()).toBeGreaterThan(20);
	await expect(page.getByText(/^\d+ more posts? loaded\.$/)).toBeAttached();
	await expectAccessible(page);

	// A new post pushes the first page's last post off it: it stays, between the two pages.
	const lastOfFirstPage = (await stream.nth(19).locator('.body').innerText()).trim();
	const shown = await stream.count();
	await page.getByLabel('Your post').fill(`${prefix} number 22`);
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	await expect(page.getByText('Posted.', { exact: true })).toBeVisible();
	await expect(stream).toHaveCount(shown + 1);
	await expect(stream.locator('.body').getByText(lastOfFirstPage, { exact: true })).toHaveCount(1);
});

async function ownDepartmentId(page: Page): Promise<number> {
	const response = await page.request.get('/api/v1/me');
	expect(response.status()).toBe(200);
	return ((await response.json()) as { department: { id: number } }).department.id;
}

test('department pages: members, sub-teams, the department list, and 404 for hidden ones', async ({
	page
}) => {
	await signIn(page, hannah);
	await visit(page, '/d');
	await expect(page.getByRole('heading', { level: 1, name: 'Departments' })).toBeVisible();
	await page.getByRole('link', { name: 'Corporate Services' }).click();
	await expect(page.getByRole('heading', { level: 1, name: 'Corporate Services' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Teams within' })).toBeVisible();
	await expect(page.getByRole('heading', { name: 'Members' })).toBeVisible();
	await expect(
		page.getByRole('button', { name: /^(Follow|Unfollow) Corporate Services$/ })
	).toBeVisible();
	await expectAccessible(page);

	const missing = await visit(page, '/d/no-such-team');
	expect(missing?.status()).toBe(404);
	// Investigations is members-only: to everyone else it does not exist.
	const hidden = await visit(page, '/d/investigations');
	expect(hidden?.status()).toBe(404);
});

test('at 360 px the feed and a department page fit the screen and work with the keyboard', async ({
	page
}) => {
	await page.setViewportSize({ width: 360, height: 740 });
	await signIn(page, jamal);
	const fits = () =>
		page.evaluate(() => document.documentElement.scrollWidth <= window.innerWidth + 1);
	expect(await fits()).toBe(true);

	// The composer is reachable and usable by keyboard alone.
	await page.getByLabel('Your post').focus();
	await page.keyboard.type('Hello');
	await page.keyboard.press('Tab');
	await expect(page.getByLabel('Post to')).toBeFocused();

	await visit(page, '/d/transport');
	expect(await fits()).toBe(true);
	await visit(page, '/d');
	expect(await fits()).toBe(true);
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
	const text = unique('Photo of the new depot');
	const photoName = `site-${Date.now().toString(36)}.png`;
	await signIn(page, hannah);
	const files = page.getByLabel('Attach images or files');
	await files.setInputFiles({
		name: 'setup.png',
		mimeType: 'image/png',
		buffer: Buffer.from('MZ' + 'x'.repeat(300))
	});
	await expect(page.getByText(/“setup.png” is not an allowed file type/)).toBeVisible();
	await expect(files).toHaveAttribute('aria-invalid', 'true');

	const photo = noisyPng(1000, 1000);
	expect(photo.byteLength).toBeGreaterThan(1_000_000);
	await files.setInputFiles({ name: photoName, mimeType: 'image/png', buffer: photo });
	await expect(page.getByRole('button', { name: `Remove ${photoName}` })).toBeVisible();
	await expect(page.getByText(`${photoName} attached.`, { exact: true })).toBeVisible();
	await page.getByLabel('Your post').fill(text);
	await page.getByRole('button', { name: 'Post', exact: true }).click();
	await expect(page.getByText('Posted.', { exact: true })).toBeVisible();
	await expect(page.getByRole('button', { name: `Remove ${photoName}` })).toHaveCount(0);
	await page.reload();
	const post = page.getByRole('article').filter({ hasText: text });
	const image = post.getByRole('img', { name: photoName });
	await expect(image).toHaveAttribute('width', '1000');
	await expect(image).toHaveAttribute('height', '1000');
	expect(await image.evaluate((img: HTMLImageElement) => img.naturalWidth)).toBe(1000);
	await expectAccessible(page);
});
