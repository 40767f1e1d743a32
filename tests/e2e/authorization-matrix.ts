/**
 * The authorisation matrix: for every page, form action, endpoint, OpenAPI operation and
 * client-to-server socket event, what each persona gets on objects in a members-only
 * department (Integrity Investigations). authorization-matrix.spec.ts reads this table, fails
 * when the route tree, the OpenAPI document or the event map has an entry not declared here,
 * then exercises every cell and compares.
 *
 * Members-only means members only: administrators are not members of Investigations, so they
 * are refused its posts, threads, pages, files and people like any other non-member (they still
 * manage the department itself under /admin, and memos, whose policy names administrators).
 *
 * Personas, in the order of each `expect` string:
 *   1. anonymous    no session
 *   2. other staff  jamal.hassan (Transport Planning), not a member of Investigations
 *   3. same staff   paul.murphy (Investigations, staff): the author of the test's objects
 *                   (posts, comments, threads, messages, pages, files); a recipient of its memos
 *   4. manager      zara.ahmed, manager of Investigations; the author of the test's memos
 *                   (staff may not issue memos) and so also their author
 *   5. admin        admin@commons.test (Digital Services), not a member of Investigations
 *
 * Outcome letters:
 *   S  sign-in: 401, or a 3xx to /login (socket: the connection is refused)
 *   R  refused: 403 or 404 (socket: an error ack `forbidden` or `not_found`)
 *   V  refused as unknown input: 400, the answer to a department id that does not exist. Creating
 *      in a department one may not see says "that department does not exist" rather than 403,
 *      so that a refusal does not confirm that it exists.
 *   O  allowed: 2xx, or a 3xx not to /login (socket: an `ok` ack)
 *   A  not refused for authorisation reasons: O, or 400/409/422 (socket: `ok`, `bad_request`,
 *      `conflict`). Used for writes whose body cannot be valid for every persona and object state
 *      (a memo already acknowledged, a page revised since, an admin form sent empty on purpose so
 *      that it changes nothing): the request got past the authorisation check, the rest is
 *      validation, which input fuzzing covers.
 *   N  socket events without an acknowledgement: sent, and the socket is still connected and
 *      answers `ping` afterwards (their effect on other sockets is proven in realtime.spec.ts)
 *   -  not exercised for that persona, with the reason in `note`
 *
 * Keys: `METHOD /path` (a form action adds ` ?/name`; parameters as `{name}` whether the route
 * writes `[name=matcher]` or the OpenAPI document `{name}`), or `socket event`.
 * `url`, `json`, `form` and `payload` may use placeholders filled from the test's objects:
 * {dept} {deptSlug} {person} {victor} {post} {comment} {thread} {message} {page} {pagePath}
 * {memo} {draft} {file} {fileName} {notification} {key} (a fresh client key).
 * `fresh` names the placeholder that gets a new object for each persona's cell (deletes,
 * moves, state changes), so one persona's write does not decide the next one's outcome.
 */
export const PERSONAS = ['anonymous', 'other staff', 'same staff', 'manager', 'admin'] as const;
export type Persona = (typeof PERSONAS)[number];
export type Outcome = 'S' | 'R' | 'V' | 'O' | 'A' | 'N' | '-';

export type Cell = {
	/** One letter per persona, in PERSONAS order. */
	expect: string;
	url?: string;
	json?: unknown;
	form?: Record<string, string>;
	/** multipart upload of a small text file in the field `file`. */
	upload?: boolean;
	payload?: unknown;
	fresh?: 'post' | 'comment' | 'message' | 'page' | 'memo' | 'draft';
	/** A new session for this cell (signing out must not end the persona's main session). */
	ownSession?: boolean;
	note?: string;
};

const pageForm = {
	title: 'Matrix page',
	body: 'Edited by the matrix.',
	summary: '',
	baseRevision: '1'
};
const draft = {
	title: 'Matrix memo',
	body: 'A memo for the authorisation matrix.',
	category: 'notice',
	issuingDepartmentId: '{dept}',
	audience: [{ kind: 'department', departmentId: '{dept}' }]
};

export const MATRIX: Record<string, Cell> = {
	// ── Pages and form actions ────────────────────────────────────────────────────────────
	'GET /admin': { expect: 'SRRRO' },
	'GET /admin/audit': { expect: 'SRRRO' },
	'GET /admin/audit/export.csv': { expect: 'SRRRO' },
	'GET /admin/departments': { expect: 'SRRRO' },
	'POST /admin/departments ?/create': { expect: 'SRRRA', form: {}, note: 'empty on purpose' },
	'GET /admin/departments/{id}': { expect: 'SRRRO', url: '/admin/departments/{dept}' },
	'POST /admin/departments/{id} ?/update': {
		expect: 'SRRRA',
		url: '/admin/departments/{dept}',
		form: {},
		note: 'empty on purpose'
	},
	'GET /admin/import': { expect: 'SRRRO' },
	'POST /admin/import ?/preview': { expect: 'SRRRA', form: {} },
	'POST /admin/import ?/apply': { expect: 'SRRRA', form: {} },
	'GET /admin/people': { expect: 'SRRRO' },
	'POST /admin/people ?/create': { expect: 'SRRRA', form: {}, note: 'empty on purpose' },
	'GET /admin/people/{id}': { expect: 'SRRRO', url: '/admin/people/{person}' },
	'POST /admin/people/{id} ?/update': {
		expect: 'SRRRA',
		url: '/admin/people/{victor}',
		form: {},
		note: 'empty on purpose; on Victor Nguyen (Legal), not a persona'
	},
	'POST /admin/people/{id} ?/roles': {
		expect: 'SRRRA',
		url: '/admin/people/{victor}',
		form: {},
		note: 'Victor is staff only: an empty role form leaves him so'
	},
	'POST /admin/people/{id} ?/deactivate': {
		expect: 'SRRRA',
		url: '/admin/people/{victor}',
		form: {}
	},
	'POST /admin/people/{id} ?/reactivate': {
		expect: 'SRRRA',
		url: '/admin/people/{victor}',
		form: {}
	},
	'POST /admin/people/{id} ?/endSessions': {
		expect: 'SRRRA',
		url: '/admin/people/{victor}',
		form: {}
	},
	'GET /baseline': { expect: 'OOOOO', note: 'public: the unstyled baseline page' },
	'GET /d': { expect: 'SOOOO' },
	'GET /d/{slug}': { expect: 'SROOR', url: '/d/{deptSlug}' },
	'POST /d/{slug} ?/post': {
		expect: 'SRAAR',
		url: '/d/{deptSlug}',
		form: { body: 'Matrix post', audience: '{dept}' }
	},
	'GET /feed': { expect: 'SOOOO' },
	'POST /feed ?/post': {
		expect: 'S-AA-',
		form: { body: 'Matrix post', audience: '{dept}' },
		note: 'OPEN: non-members get 200 and the form again (no 303, so no post), not the 400 the API answers; a status cannot tell that apart from success, so those cells are left to POST /api/v1/posts, which runs the same service'
	},
	'POST /files': {
		expect: 'SAAAA',
		upload: true,
		note: 'uploading is anyone’s; attaching is checked'
	},
	'GET /files/{id}/{name}': { expect: 'SROOR', url: '/files/{file}/{fileName}' },
	'GET /kb': { expect: 'SOOOO' },
	'GET /kb/{space}': { expect: 'SROOR', url: '/kb/{deptSlug}' },
	'GET /kb/{space}/{...path}': { expect: 'SROOR', url: '{pagePath}' },
	'POST /kb/{space}/{...path} ?/save': { expect: 'SRAAR', url: '{pagePath}', form: pageForm },
	'POST /kb/{space}/{...path} ?/restore': {
		expect: 'SRAAR',
		url: '{pagePath}',
		form: { revision: '1', baseRevision: '1' }
	},
	'POST /kb/{space}/{...path} ?/move': {
		expect: 'SRAAR',
		url: '{pagePath}',
		fresh: 'page',
		form: { parentId: '', slug: 'moved-{key}' }
	},
	'POST /kb/{space}/{...path} ?/govern': {
		expect: 'SRAAR',
		url: '{pagePath}',
		form: { ownerId: '{person}', reviewBy: '' }
	},
	'POST /kb/{space}/{...path} ?/verify': {
		expect: 'SRAAR',
		url: '{pagePath}',
		form: { verifiedUntil: '' }
	},
	'POST /kb/{space}/{...path} ?/delete': {
		expect: 'SRAAR',
		url: '{pagePath}',
		fresh: 'page',
		form: {}
	},
	'POST /kb/{space}/{...path} ?/discuss': { expect: 'SRAAR', url: '{pagePath}', form: {} },
	'GET /kb/link/{id}': { expect: 'SROOR', url: '/kb/link/{page}' },
	'GET /kb/new': { expect: 'SOOOO' },
	'POST /kb/new ?/default': {
		expect: 'SRAAR',
		form: { space: '{deptSlug}', title: 'Matrix {key}', body: 'New page', summary: '' }
	},
	'POST /kb/new/preview': { expect: 'SVAAV', form: { space: '{deptSlug}', body: 'Preview' } },
	'GET /login': { expect: 'OOOOO', note: 'public' },
	'POST /login ?/default': { expect: 'AAAAA', form: {}, note: 'public; sent empty' },
	'GET /logout': { expect: 'SOOOO' },
	'POST /logout ?/default': { expect: 'SSSSS', form: {}, ownSession: true },
	'GET /memos': { expect: 'SOOOO' },
	'GET /memos/{id}': { expect: 'SROOO', url: '/memos/{memo}' },
	'POST /memos/{id} ?/acknowledge': {
		expect: 'SRAAR',
		url: '/memos/{memo}',
		form: { version: '1' },
		note: 'the admin is not a recipient'
	},
	'GET /memos/{id}/amend': { expect: 'SRROO', url: '/memos/{memo}/amend' },
	'POST /memos/{id}/amend ?/default': {
		expect: 'SRRAA',
		url: '/memos/{memo}/amend',
		fresh: 'memo',
		form: { body: 'Amended', kind: 'editorial', note: '' }
	},
	'GET /memos/{id}/edit': { expect: 'SRROO', url: '/memos/{draft}/edit' },
	'GET /memos/{id}/report': { expect: 'SRROO', url: '/memos/{memo}/report' },
	'GET /memos/new': { expect: 'SRROO', note: 'the form; issuing is checked on the API' },
	'POST /memos/preview': { expect: 'SAAAA', form: { body: 'Preview' } },
	'GET /notifications': { expect: 'SOOOO' },
	'POST /notifications ?/read': { expect: 'SAAAA', form: {} },
	'POST /notifications ?/readAll': { expect: 'SAAAA', form: {} },
	'GET /notifications/{id}/open': {
		expect: 'SRORR',
		url: '/notifications/{notification}/open',
		note: 'one of the same staff’s notifications'
	},
	'GET /notifications/settings': { expect: 'SOOOO' },
	'POST /notifications/settings ?/default': { expect: 'SAAAA', form: {} },
	'GET /people': { expect: 'SOOOO' },
	'GET /people/{id}': { expect: 'SROOR', url: '/people/{person}' },
	'GET /posts/{id}': { expect: 'SROOR', url: '/posts/{post}' },
	'POST /posts/{id} ?/delete': { expect: 'SROOR', url: '/posts/{post}', fresh: 'post', form: {} },
	'GET /posts/{id}/history': { expect: 'SROOR', url: '/posts/{post}/history' },
	'GET /profile': { expect: 'SOOOO' },
	'POST /profile ?/profile': { expect: 'SAAAA', form: {}, note: 'one’s own; sent empty' },
	'POST /profile ?/password': { expect: 'SAAAA', form: {}, note: 'one’s own; sent empty' },
	'GET /profile/sessions': { expect: 'SOOOO' },
	'POST /profile/sessions ?/signOutOthers': {
		expect: 'SOOOO',
		form: {},
		note: 'from the main session: it ends only the cells’ own sessions'
	},
	'GET /profile/tokens': { expect: 'SOOOO' },
	'POST /profile/tokens ?/create': { expect: 'SAAAA', form: {} },
	'POST /profile/tokens ?/revoke': { expect: 'SAAAA', form: {} },
	'GET /search': { expect: 'SOOOO' },
	'GET /sso/start': { expect: 'OOOOO', note: 'public: redirects to the identity provider' },
	'GET /sso/callback': { expect: 'SSSSS', note: 'public; without a valid state' },
	'GET /threads': { expect: 'SOOOO' },
	'POST /threads ?/start': { expect: 'SVAAV', form: { title: 'Matrix thread', home: '{dept}' } },
	'POST /threads ?/discuss': { expect: 'SRAAR', form: { postId: '{post}' } },
	'GET /threads/{id}': { expect: 'SROOR', url: '/threads/{thread}' },
	'GET /unsubscribe': { expect: 'AAAAA', note: 'public: the signed URL is the permission' },
	'POST /unsubscribe ?/default': { expect: 'RRRRR', form: {}, note: 'public; unsigned' },
	'GET /healthz': { expect: 'OOOOO' },
	'GET /readyz': { expect: 'OOOOO' },

	// ── API (route tree and OpenAPI document alike) ────────────────────────────────────────
	'GET /api/v1/{...rest}': {
		expect: 'SRRRR',
		url: '/api/v1/no-such-thing',
		note: 'unknown API paths'
	},
	'GET /api/v1/openapi.json': { expect: 'OOOOO' },
	'GET /api/v1/me': { expect: 'SOOOO' },
	'GET /api/v1/feed': { expect: 'SOOOO' },
	'GET /api/v1/departments': { expect: 'SOOOO' },
	'POST /api/v1/posts': { expect: 'SVAAV', json: { body: 'Matrix post', audience: '{dept}' } },
	'GET /api/v1/posts/{id}': { expect: 'SROOR', url: '/api/v1/posts/{post}' },
	'PATCH /api/v1/posts/{id}': {
		expect: 'SRORR',
		url: '/api/v1/posts/{post}',
		json: { body: 'Edited by the matrix' },
		note: 'the author only'
	},
	'DELETE /api/v1/posts/{id}': { expect: 'SROOR', url: '/api/v1/posts/{post}', fresh: 'post' },
	'GET /api/v1/posts/{id}/comments': { expect: 'SROOR', url: '/api/v1/posts/{post}/comments' },
	'POST /api/v1/posts/{id}/comments': {
		expect: 'SROOR',
		url: '/api/v1/posts/{post}/comments',
		json: { body: 'Matrix comment' }
	},
	'PUT /api/v1/posts/{id}/reactions/{kind}': {
		expect: 'SROOR',
		url: '/api/v1/posts/{post}/reactions/like'
	},
	'DELETE /api/v1/posts/{id}/reactions/{kind}': {
		expect: 'SROOR',
		url: '/api/v1/posts/{post}/reactions/like'
	},
	'POST /api/v1/posts/{id}/thread': {
		expect: 'SRAAR',
		url: '/api/v1/posts/{post}/thread',
		json: {}
	},
	'DELETE /api/v1/comments/{id}': {
		expect: 'SROOR',
		url: '/api/v1/comments/{comment}',
		fresh: 'comment'
	},
	'GET /api/v1/departments/{id}/posts': {
		expect: 'SROOR',
		url: '/api/v1/departments/{dept}/posts'
	},
	'PUT /api/v1/departments/{id}/follow': {
		expect: 'SRAAR',
		url: '/api/v1/departments/{dept}/follow'
	},
	'DELETE /api/v1/departments/{id}/follow': {
		expect: 'SRAAR',
		url: '/api/v1/departments/{dept}/follow'
	},
	'GET /api/v1/people': { expect: 'SOOOO' },
	'PUT /api/v1/people/{id}/follow': { expect: 'SRAAR', url: '/api/v1/people/{person}/follow' },
	'DELETE /api/v1/people/{id}/follow': { expect: 'SRAAR', url: '/api/v1/people/{person}/follow' },
	'GET /api/v1/threads': { expect: 'SOOOO' },
	'POST /api/v1/threads': { expect: 'SVAAV', json: { title: 'Matrix thread', home: '{dept}' } },
	'GET /api/v1/threads/{id}': { expect: 'SROOR', url: '/api/v1/threads/{thread}' },
	'GET /api/v1/threads/{id}/messages': {
		expect: 'SROOR',
		url: '/api/v1/threads/{thread}/messages'
	},
	'POST /api/v1/threads/{id}/messages': {
		expect: 'SRAAR',
		url: '/api/v1/threads/{thread}/messages',
		json: { clientKey: '{key}', body: 'Matrix message' }
	},
	'PUT /api/v1/threads/{id}/read': {
		expect: 'SRAAR',
		url: '/api/v1/threads/{thread}/read',
		json: { seq: 1 }
	},
	'PATCH /api/v1/messages/{id}': {
		expect: 'SRORR',
		url: '/api/v1/messages/{message}',
		json: { body: 'Edited by the matrix' },
		note: 'the author only'
	},
	'DELETE /api/v1/messages/{id}': {
		expect: 'SROOR',
		url: '/api/v1/messages/{message}',
		fresh: 'message'
	},
	'GET /api/v1/pages': { expect: 'SOOOO' },
	'POST /api/v1/pages': {
		expect: 'SRAAR',
		json: { space: '{deptSlug}', title: 'Matrix {key}', body: 'New page', summary: '' }
	},
	'POST /api/v1/pages/preview': { expect: 'SRAAR', json: { space: '{deptSlug}', body: 'Preview' } },
	'GET /api/v1/pages/{id}': { expect: 'SROOR', url: '/api/v1/pages/{page}' },
	'PUT /api/v1/pages/{id}': {
		expect: 'SRAAR',
		url: '/api/v1/pages/{page}',
		json: { title: 'Matrix page', body: 'Edited by the matrix API.', summary: '', baseRevision: 1 }
	},
	'DELETE /api/v1/pages/{id}': { expect: 'SRAAR', url: '/api/v1/pages/{page}', fresh: 'page' },
	'POST /api/v1/pages/{id}/move': {
		expect: 'SRAAR',
		url: '/api/v1/pages/{page}/move',
		fresh: 'page',
		json: { parentId: null, slug: 'moved-{key}' }
	},
	'GET /api/v1/pages/{id}/revisions': { expect: 'SROOR', url: '/api/v1/pages/{page}/revisions' },
	'GET /api/v1/pages/{id}/revisions/{number}': {
		expect: 'SROOR',
		url: '/api/v1/pages/{page}/revisions/1'
	},
	'POST /api/v1/pages/{id}/revisions/{number}/restore': {
		expect: 'SRAAR',
		url: '/api/v1/pages/{page}/revisions/1/restore',
		json: { baseRevision: 1 }
	},
	'GET /api/v1/pages/{id}/diff': { expect: 'SROOR', url: '/api/v1/pages/{page}/diff?from=1&to=2' },
	'PUT /api/v1/pages/{id}/governance': {
		expect: 'SRAAR',
		url: '/api/v1/pages/{page}/governance',
		json: { ownerId: '{person}', reviewBy: null, editRestricted: false, editorIds: [] }
	},
	'PUT /api/v1/pages/{id}/verification': {
		expect: 'SRAAR',
		url: '/api/v1/pages/{page}/verification',
		json: { verifiedUntil: null }
	},
	'GET /api/v1/search': { expect: 'SOOOO', url: '/api/v1/search?q=matrix' },
	'GET /api/v1/search/suggest': { expect: 'SOOOO', url: '/api/v1/search/suggest?q=matrix' },
	'POST /api/v1/memos': { expect: 'SRRAA', json: draft, note: 'staff do not issue memos' },
	'GET /api/v1/memos/pending': { expect: 'SOOOO' },
	'GET /api/v1/memos/{id}': { expect: 'SROOO', url: '/api/v1/memos/{memo}' },
	'PUT /api/v1/memos/{id}': { expect: 'SRRAA', url: '/api/v1/memos/{draft}', json: draft },
	'GET /api/v1/memos/{id}/audience-preview': {
		expect: 'SRROO',
		url: '/api/v1/memos/{draft}/audience-preview'
	},
	'POST /api/v1/memos/{id}/submit': {
		expect: 'SRRAA',
		url: '/api/v1/memos/{draft}/submit',
		fresh: 'draft',
		json: {}
	},
	'POST /api/v1/memos/{id}/approve': {
		expect: 'SRRRA',
		url: '/api/v1/memos/{draft}/approve',
		fresh: 'draft',
		json: {},
		note: 'never one’s own memo'
	},
	'POST /api/v1/memos/{id}/return': {
		expect: 'SRRRA',
		url: '/api/v1/memos/{draft}/return',
		fresh: 'draft',
		json: { comment: 'Matrix' }
	},
	'POST /api/v1/memos/{id}/publish': {
		expect: 'SRRAA',
		url: '/api/v1/memos/{draft}/publish',
		fresh: 'draft',
		json: { publishAt: null }
	},
	'POST /api/v1/memos/{id}/amend': {
		expect: 'SRRAA',
		url: '/api/v1/memos/{memo}/amend',
		fresh: 'memo',
		json: { body: 'Amended', kind: 'editorial', note: '' }
	},
	'POST /api/v1/memos/{id}/retract': {
		expect: 'SRRAA',
		url: '/api/v1/memos/{memo}/retract',
		fresh: 'memo',
		json: { reason: 'Matrix' }
	},
	'POST /api/v1/memos/{id}/acknowledge': {
		expect: 'SRAAR',
		url: '/api/v1/memos/{memo}/acknowledge',
		json: { version: 1 },
		note: 'the admin is not a recipient'
	},
	'GET /api/v1/memos/{id}/report': { expect: 'SRROO', url: '/api/v1/memos/{memo}/report' },
	'GET /api/v1/memos/{id}/report/people': {
		expect: 'SRROO',
		url: '/api/v1/memos/{memo}/report/people'
	},
	'GET /api/v1/memos/{id}/report.csv': { expect: 'SRROO', url: '/api/v1/memos/{memo}/report.csv' },
	'GET /api/v1/memos/{id}/evidence': { expect: 'SRROO', url: '/api/v1/memos/{memo}/evidence' },
	'POST /api/v1/memos/{id}/remind': {
		expect: 'SRRAA',
		url: '/api/v1/memos/{memo}/remind',
		json: {}
	},
	'POST /api/v1/memos/{id}/recipients/{userId}/extend': {
		expect: 'SRRAA',
		url: '/api/v1/memos/{memo}/recipients/{person}/extend',
		json: { dueOn: '2099-01-31', reason: 'Matrix' }
	},
	'POST /api/v1/memos/{id}/recipients/{userId}/acknowledge-on-behalf': {
		expect: 'SRRAA',
		url: '/api/v1/memos/{memo}/recipients/{person}/acknowledge-on-behalf',
		fresh: 'memo',
		json: { reason: 'Matrix' }
	},
	'GET /api/v1/notifications': { expect: 'SOOOO' },
	'POST /api/v1/notifications/read': { expect: 'SAAAA', json: { ids: [] } },
	'POST /api/v1/notifications/read-all': { expect: 'SAAAA', json: {} },
	'GET /api/v1/notifications/preferences': { expect: 'SOOOO' },
	'PUT /api/v1/notifications/preferences': { expect: 'SAAAA', json: {} },

	// ── Socket events (client to server) ──────────────────────────────────────────────────
	'socket ping': { expect: 'SOOOO' },
	'socket thread:join': { expect: 'SROOR', payload: { threadId: '{thread}' } },
	'socket thread:leave': { expect: 'SNNNN', payload: { threadId: '{thread}' } },
	'socket thread:sync': { expect: 'SROOR', payload: { threadId: '{thread}', afterSeq: 0 } },
	'socket thread:history': { expect: 'SROOR', payload: { threadId: '{thread}', beforeSeq: 100 } },
	'socket thread:send': {
		expect: 'SRAAR',
		payload: { threadId: '{thread}', clientKey: '{key}', body: 'Matrix socket message' }
	},
	'socket thread:edit': {
		expect: 'SRORR',
		payload: { messageId: '{message}', body: 'Edited over the socket' },
		note: 'the author only'
	},
	'socket thread:delete': {
		expect: 'SROOR',
		payload: { messageId: '{message}' },
		fresh: 'message'
	},
	'socket thread:react': { expect: 'SROOR', payload: { messageId: '{message}', kind: 'like' } },
	'socket thread:typing': { expect: 'SNNNN', payload: { threadId: '{thread}' } },
	'socket thread:read': { expect: 'SRAAR', payload: { threadId: '{thread}', seq: 1 } },
	'socket memo:watch-report': { expect: 'SRROO', payload: { memoId: '{memo}' } },
	'socket memo:unwatch-report': { expect: 'SNNNN', payload: { memoId: '{memo}' } },
	// Watching a members-only department's feed: its members only (not even administrators).
	'socket feed:watch-department': { expect: 'SROOR', payload: { departmentId: '{dept}' } },
	'socket feed:unwatch-department': { expect: 'SNNNN', payload: { departmentId: '{dept}' } }
};
