/**
 * A post's own page in real Chromium: comments and one level of replies, reactions as toggle
 * buttons, @-mention autocomplete, editing with history (and who may see it), tombstones for
 * deleted comments, deleting a post, following people from their profile, and all of it without
 * JavaScript where a form is involved.
 */
import type { Page } from '@playwright/test';
import { people, signIn } from './auth.ts';
import { expect, expectAccessible, test, visit } from './fixtures.ts';

const jamal = 'jamal.hassan@commons.test'; // Transport: neither author nor moderator of Hannah's posts

type Me = { id: number; name: string; department: { id: number } };

async function me(page: Page): Promise<Me> {
	const response = await page.request.get('/api/v1/me');
	expect(response.status()).toBe(200);
	return (await response.json()) as Me;
}

/** Publishes a post in the signed-in person's own department through the JSON API. */
async function createPost(page: Page, baseURL: string, body: string): Promise<number> {
	const { department } = await me(page);
	const response = await page.request.post('/api/v1/posts', {
		data: { body, audience: department.id },
		headers: { origin: baseURL }
	});
	expect(response.status(), await response.text()).toBe(201);
	return ((await response.json()) as { id: number }).id;
}

const unique = () => `${Date.now().toString(36)}${Math.random().toString(36).slice(2, 6)}`;

test('comments, one level of replies, mentions, reactions and tombstones', async ({
	page,
	baseURL
}) => {
	const run = unique();
	await signIn(page, people.staff);
	const postId = await createPost(page, baseURL!, `Office move next week ${run}`);
	await visit(page, `/posts/${postId}`);
	await expect(page.getByRole('heading', { level: 1, name: /Hannah Fischer/ })).toBeVisible();

	// Reactions are toggle buttons.
	const celebrate = page.getByRole('button', { name: /^Celebrate/ });
	await expect(celebrate).toHaveAttribute('aria-pressed', 'false');
	await celebrate.click();
	await expect(
		page.getByRole('button', { name: 'Celebrate, 1 reaction, you reacted' })
	).toHaveAttribute('aria-pressed', 'true');
	await page.getByText('Who reacted').click();
	await expect(page.locator('.reactors dd')).toHaveText('Hannah Fischer');
	await page.getByRole('button', { name: /^Celebrate/ }).click();
	await expect(page.getByRole('button', { name: 'Celebrate', exact: true })).toHaveAttribute(
		'aria-pressed',
		'false'
	);

	// A mention through the autocomplete: "@Jam", the arrow keys, Enter.
	const field = page.getByLabel('Add a comment');
	await field.click();
	await field.pressSequentially(`Welcome aboard ${run}, ask @Jam`);
	const listbox = page.getByRole('listbox', { name: 'People to mention' });
	await expect(listbox.getByRole('option', { name: /Jamal Hassan/ })).toBeVisible();
	await expect(field).toHaveAttribute('aria-controls', 'comment-body-mentions');
	await expect(page.getByText(/to mention\. Use the arrow keys/)).toBeAttached();
	await expectAccessible(page);
	const option = listbox.getByRole('option', { name: /Jamal Hassan/ });
	await field.press('ArrowDown');
	await field.press('ArrowUp');
	for (let i = 0; i < 8 && (await option.getAttribute('aria-selected')) !== 'true'; i++) {
		await field.press('ArrowDown');
	}
	await expect(option).toHaveAttribute('aria-selected', 'true');
	await expect(field).toHaveAttribute('aria-activedescendant', (await option.getAttribute('id'))!);
	await field.press('Enter');
	await expect(listbox).toBeHidden();
	await expect(field).toHaveValue(
		new RegExp(`Welcome aboard ${run}, ask \\[@Jamal Hassan\\]\\(/people/\\d+\\) $`)
	);
	await field.pressSequentially('about parking');
	await page.getByRole('button', { name: 'Comment', exact: true }).click();

	const comment = page.getByRole('article', { name: 'Comment by Hannah Fischer' }).filter({
		hasText: `Welcome aboard ${run}`
	});
	await expect(comment).toBeFocused();
	await expect(field).toHaveValue('');
	const mention = comment.getByRole('link', { name: '@Jamal Hassan' });
	await expect(mention).toHaveAttribute('href', /^\/people\/\d+$/);

	// Leaving the field and typing in it again at once still brings the list (the close on
	// leaving is delayed; it once fired after the return and dropped the lookup).
	await field.evaluate((textarea: HTMLTextAreaElement) => {
		textarea.blur();
		textarea.focus();
	});
	// Escape closes the list without inserting anything.
	await field.pressSequentially('@Jam');
	await expect(listbox).toBeVisible();
	await field.press('Escape');
	await expect(listbox).toBeHidden();
	await expect(field).toHaveValue('@Jam');
	await field.fill('');

	// A reply, indented under the comment; replies offer no Reply of their own.
	await page.locator('summary', { hasText: 'Reply to Hannah Fischer' }).click();
	const replyField = page.getByLabel('Your reply to Hannah Fischer');
	await expect(replyField).toBeFocused();
	await replyField.fill(`Seconded ${run}`);
	await page.getByRole('button', { name: 'Reply', exact: true }).click();
	const replies = page.getByRole('list', { name: 'Replies to Hannah Fischer' });
	const reply = replies.getByRole('article', { name: 'Reply by Hannah Fischer' });
	await expect(reply).toContainText(`Seconded ${run}`);
	await expect(reply).toBeFocused();
	await expect(replies.locator('summary')).toHaveCount(0);
	await expect(page.locator('#comments details.reply')).toHaveCount(1);
	await expectAccessible(page);

	// At 360 px wide nothing scrolls sideways.
	await page.setViewportSize({ width: 360, height: 800 });
	expect(await page.evaluate(() => document.documentElement.scrollWidth)).toBeLessThanOrEqual(360);
	await page.setViewportSize({ width: 1280, height: 720 });

	// Deleting the comment leaves a tombstone; its reply stays.
	await comment.getByRole('button', { name: 'Delete comment by Hannah Fischer' }).click();
	await expect(page.getByText('Comment deleted', { exact: true })).toBeVisible();
	await expect(page.getByText(`Welcome aboard ${run}`)).toHaveCount(0);
	await expect(reply).toContainText(`Seconded ${run}`);
	// Counted as the post's card counts: the deleted comment no longer.
	await expect(page.getByRole('heading', { level: 2, name: /^Comments/ })).toHaveText(
		'Comments (1)'
	);
	await expectAccessible(page);
});

test('the author edits, keeps the history, and others get a 403 for it', async ({
	page,
	browser,
	baseURL
}) => {
	const run = unique();
	await signIn(page, people.staff);
	const postId = await createPost(page, baseURL!, `First draft ${run}`);

	await visit(page, `/posts/${postId}?edit=1`);
	const body = page.getByLabel('Post', { exact: true });
	await expect(body).toHaveValue(`First draft ${run}`);
	await body.fill(`Second draft ${run}`);
	await page.getByRole('button', { name: 'Save changes' }).click();
	await expect(page.getByText(/^Post updated/)).toBeVisible();
	await expect(page).toHaveURL(new RegExp(`/posts/${postId}$`));
	await expect(page.getByRole('article').getByText(`Second draft ${run}`)).toBeVisible();

	await page.getByRole('link', { name: /^edited.*see earlier versions/ }).click();
	await expect(page).toHaveURL(new RegExp(`/posts/${postId}/history$`));
	await expect(page.getByText(`First draft ${run}`)).toBeVisible();
	await expect(page.getByRole('heading', { name: /Written by Hannah Fischer/ })).toBeVisible();
	await visit(page, `/posts/${postId}/history`);

	const other = await browser.newContext();
	const jamalPage = await other.newPage();
	await signIn(jamalPage, jamal);
	await visit(jamalPage, `/posts/${postId}`);
	await expect(jamalPage.getByText('edited', { exact: true })).toBeVisible();
	await expect(jamalPage.getByRole('link', { name: /edited/ })).toHaveCount(0);
	await expect(jamalPage.getByRole('link', { name: 'Edit post' })).toHaveCount(0);
	const forbidden = await visit(jamalPage, `/posts/${postId}/history`);
	expect(forbidden?.status()).toBe(403);
	await expect(jamalPage.getByRole('heading', { level: 1 })).toHaveText('You cannot see this');
});

test('deleting a post asks first, then it is gone; commenting on it after says so', async ({
	page,
	baseURL
}) => {
	const run = unique();
	await signIn(page, people.staff);
	const postId = await createPost(page, baseURL!, `Short-lived ${run}`);
	await visit(page, `/posts/${postId}`);

	// A comment written while the post is deleted elsewhere is refused, and the text is kept.
	await page.getByLabel('Add a comment').fill(`Too late ${run}`);
	const gone = await page.request.delete(`/api/v1/posts/${postId}`, {
		headers: { origin: baseURL! }
	});
	expect(gone.status(), await gone.text()).toBeLessThan(300);
	await page.getByRole('button', { name: 'Comment', exact: true }).click();
	await expect(
		page.getByText('This post has been deleted, so it cannot take comments.')
	).toBeFocused();
	await expect(page.getByLabel('Add a comment')).toHaveValue(`Too late ${run}`);
	await expectAccessible(page);
	const missing = await visit(page, `/posts/${postId}`);
	expect(missing?.status()).toBe(404);

	const second = await createPost(page, baseURL!, `Also short-lived ${run}`);
	await visit(page, `/posts/${second}`);
	await page.locator('summary', { hasText: 'Delete post' }).click();
	await page.getByRole('button', { name: 'Yes, delete the post' }).click();
	await expect(page).toHaveURL(/\/feed\?deleted=1$/);
	expect((await visit(page, `/posts/${second}`))?.status()).toBe(404);
});

test('reacting, commenting and replying work without JavaScript', async ({ page, baseURL }) => {
	const run = unique();
	await page.route(/\/_app\/.*\.js(\?.*)?$/, (route) => route.abort());
	await signIn(page, jamal);
	const postId = await createPost(page, baseURL!, `Bus lane survey ${run}`);
	await visit(page, `/posts/${postId}`);

	await page.getByRole('button', { name: /^Like/ }).click();
	await expect(page).toHaveURL(new RegExp(`/posts/${postId}#reactions$`));
	await expect(page.getByRole('button', { name: 'Like, 1 reaction, you reacted' })).toHaveAttribute(
		'aria-pressed',
		'true'
	);

	await page.getByLabel('Add a comment').fill(`Filled it in ${run}`);
	await page.getByRole('button', { name: 'Comment', exact: true }).click();
	await expect(page).toHaveURL(new RegExp(`/posts/${postId}#comment-\\d+$`));
	await expect(page.getByText(`Filled it in ${run}`)).toBeVisible();

	await page.locator('summary', { hasText: 'Reply to Jamal Hassan' }).click();
	await page.getByLabel('Your reply to Jamal Hassan').fill(`Me too ${run}`);
	await page.getByRole('button', { name: 'Reply', exact: true }).click();
	await expect(page).toHaveURL(new RegExp(`/posts/${postId}#comment-\\d+$`));
	await expect(
		page.getByRole('list', { name: 'Replies to Jamal Hassan' }).getByText(`Me too ${run}`)
	).toBeVisible();

	// An empty comment is refused on the field itself.
	await page.getByLabel('Add a comment').evaluate((el: HTMLTextAreaElement) => {
		el.value = '   ';
	});
	await page.getByRole('button', { name: 'Comment', exact: true }).click();
	await expect(page.getByText('Write a comment first.')).toBeVisible();
	await expect(page.getByLabel('Add a comment')).toHaveAttribute('aria-invalid', 'true');
	await expectAccessible(page);
});

test('a profile lets you follow someone and lists their recent posts', async ({
	page,
	baseURL
}) => {
	const run = unique();
	await signIn(page, people.staff);
	const hannah = await me(page);
	const postId = await createPost(page, baseURL!, `Profile post ${run}`);

	await visit(page, `/people/${hannah.id}`);
	await expect(page.getByRole('button', { name: /^Follow/ })).toHaveCount(0);
	const recent = page.getByRole('region', { name: 'Recent posts' });
	await expect(recent.getByRole('link', { name: `Profile post ${run}` })).toHaveAttribute(
		'href',
		`/posts/${postId}`
	);

	// The administrator follows Hannah, then stops.
	await page.context().clearCookies();
	await signIn(page, people.admin);
	await visit(page, `/people/${hannah.id}`);
	await page.getByRole('button', { name: 'Follow Hannah Fischer' }).click();
	await expect(page.getByText('You follow them now')).toBeVisible();
	await expectAccessible(page);
	await page.getByRole('button', { name: 'Unfollow Hannah Fischer' }).click();
	await expect(page.getByRole('button', { name: 'Follow Hannah Fischer' })).toBeVisible();
	await expect(page.getByText('You no longer follow them.')).toBeVisible();
});
