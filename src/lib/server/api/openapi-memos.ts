/**
 * The official-memo part of the OpenAPI document: drafts, approval, publishing, amendments,
 * acknowledgements, exceptions, reports and evidence packs.
 */
import {
	errorResponse,
	idParam,
	jsonOf,
	objectErrors,
	ref,
	withParameters
} from './openapi-common.ts';

const jsonBody = (schema: object) => ({
	required: true,
	content: { 'application/json': { schema } }
});
const writeErrors = { ...objectErrors, '403': errorResponse, '409': errorResponse };
const memoParam = idParam('The memo');
const userParam = { ...idParam('The person'), name: 'userId' };
const reason = { type: 'string', minLength: 1, maxLength: 1000 };
const publishAt = {
	type: 'object',
	properties: { publishAt: { type: ['string', 'null'], format: 'date-time' } }
};
const post = (
	operationId: string,
	summary: string,
	response: object,
	body?: object,
	extra: object = {}
) => ({
	post: {
		operationId,
		summary,
		...(body ? { requestBody: jsonBody(body) } : {}),
		responses: { '200': jsonOf('Done', response), ...writeErrors, ...extra }
	}
});
const get = (
	operationId: string,
	summary: string,
	response: object,
	parameters: object[] = []
) => ({
	get: {
		operationId,
		summary,
		parameters,
		responses: { '200': jsonOf(summary, response), ...objectErrors, '403': errorResponse }
	}
});

export const memoPaths = {
	'/memos': {
		post: {
			operationId: 'createMemoDraft',
			summary: 'Create a draft memo',
			description:
				'Managers issue from and to the departments they manage; communications staff and administrators from any department to anyone.',
			requestBody: jsonBody(ref('MemoInput')),
			responses: { '201': jsonOf('The draft', ref('Memo')), ...objectErrors, '403': errorResponse }
		}
	},
	'/memos/pending': get('listMyPendingMemos', 'The caller’s memos still to acknowledge', {
		type: 'object',
		properties: { memos: { type: 'array', items: ref('PendingMemo') } }
	}),
	'/memos/{id}': withParameters([memoParam], {
		...get(
			'getMemo',
			'The memo as the caller sees it (a recipient’s first opening is recorded)',
			ref('MemoView')
		),
		put: {
			operationId: 'updateMemoDraft',
			summary: 'Replace a draft’s content and audience (drafts only)',
			requestBody: jsonBody(ref('MemoInput')),
			responses: { '200': jsonOf('The draft', ref('Memo')), ...writeErrors }
		}
	}),
	'/memos/{id}/audience-preview': withParameters(
		[memoParam],
		get('previewMemoAudience', 'How many people the memo would reach now, and a sample', {
			type: 'object',
			properties: {
				count: { type: 'integer' },
				sample: {
					type: 'array',
					items: {
						type: 'object',
						properties: {
							id: { type: 'integer' },
							name: { type: 'string' },
							departmentName: { type: 'string' }
						}
					}
				}
			}
		})
	),
	'/memos/{id}/submit': withParameters(
		[memoParam],
		post('submitMemo', 'Send a draft for approval by a second person', ref('Memo'), publishAt)
	),
	'/memos/{id}/approve': withParameters(
		[memoParam],
		post('approveMemo', 'Approve (never your own memo): it is published or scheduled', ref('Memo'))
	),
	'/memos/{id}/return': withParameters(
		[memoParam],
		post(
			'returnMemo',
			'Return a memo awaiting approval to its author, with a comment',
			ref('Memo'),
			{
				type: 'object',
				required: ['comment'],
				properties: { comment: { type: 'string', minLength: 1, maxLength: 2000 } }
			}
		)
	),
	'/memos/{id}/publish': withParameters(
		[memoParam],
		post(
			'publishMemo',
			'Publish a draft that needs no approval, now or at publishAt',
			ref('Memo'),
			publishAt
		)
	),
	'/memos/{id}/amend': withParameters(
		[memoParam],
		post(
			'amendMemo',
			'Issue a new version: material (everyone acknowledges again) or editorial (acknowledgements stand)',
			{
				type: 'object',
				properties: {
					memo: ref('Memo'),
					version: { type: 'integer' },
					reset: { type: 'integer', description: 'People returned to pending' },
					diff: {
						type: 'object',
						properties: {
							parts: { type: 'array', items: ref('DiffPart') },
							added: { type: 'integer' },
							removed: { type: 'integer' }
						}
					}
				}
			},
			{
				type: 'object',
				required: ['body', 'kind'],
				properties: {
					title: { type: 'string', maxLength: 200 },
					body: { type: 'string', maxLength: 100000 },
					kind: { enum: ['material', 'editorial'] },
					note: { type: 'string', maxLength: 500 },
					dueOn: {
						type: 'string',
						format: 'date',
						description:
							'A material change: everyone pending is due no earlier than this (default: as many days from today as the first version gave). Ignored for editorial changes.'
					}
				}
			}
		)
	),
	'/memos/{id}/retract': withParameters(
		[memoParam],
		post('retractMemo', 'Retract a published or scheduled memo', ref('Memo'), {
			type: 'object',
			required: ['reason'],
			properties: { reason }
		})
	),
	'/memos/{id}/acknowledge': withParameters([memoParam], {
		post: {
			operationId: 'acknowledgeMemo',
			summary: 'Acknowledge a version (idempotent)',
			description:
				'Records the person, the version, the SHA-256 of its content, the time, IP address and user agent. 201 the first time, 200 with the same acknowledgement after. 403 (audited) when the memo is not addressed to the caller; 409 for a retracted memo or a version that is no longer current (`error.currentVersion`); 400 with an explanation for a wrong comprehension answer (the attempt is recorded).',
			requestBody: jsonBody({
				type: 'object',
				required: ['version'],
				properties: {
					version: { type: 'integer', minimum: 1 },
					attested: { type: 'boolean' },
					answer: { type: ['integer', 'null'], minimum: 0 }
				}
			}),
			responses: {
				'201': jsonOf('Acknowledged', ref('AcknowledgementResult')),
				'200': jsonOf('Already acknowledged', ref('AcknowledgementResult')),
				...writeErrors
			}
		}
	}),
	'/memos/{id}/report': withParameters(
		[memoParam],
		get('getMemoReport', 'Counts and the roll-up along the department tree', ref('MemoReport'))
	),
	'/memos/{id}/report/people': withParameters(
		[memoParam],
		get(
			'listMemoReportPeople',
			'People addressed by the memo, filtered, by person id',
			{
				type: 'object',
				properties: {
					people: { type: 'array', items: ref('MemoReportPerson') },
					nextCursor: { type: ['string', 'null'] }
				}
			},
			[
				{
					name: 'status',
					in: 'query',
					required: false,
					schema: { enum: ['acknowledged', 'viewed', 'pending', 'overdue'] }
				},
				{
					name: 'departmentId',
					in: 'query',
					required: false,
					description: 'A department and its sub-departments.',
					schema: { type: 'integer' }
				},
				{
					name: 'limit',
					in: 'query',
					required: false,
					schema: { type: 'integer', minimum: 1, maximum: 200, default: 50 }
				},
				{ name: 'cursor', in: 'query', required: false, schema: { type: 'string' } }
			]
		)
	),
	'/memos/{id}/report.csv': withParameters([memoParam], {
		get: {
			operationId: 'exportMemoReportCsv',
			summary: 'Everyone addressed by the memo, as CSV',
			responses: {
				'200': { description: 'CSV', content: { 'text/csv': { schema: { type: 'string' } } } },
				...objectErrors,
				'403': errorResponse
			}
		}
	}),
	'/memos/{id}/evidence': withParameters(
		[memoParam],
		get(
			'getMemoEvidencePack',
			'The evidence pack (verify with npm run audit:verify -- --pack)',
			ref('MemoEvidencePack')
		)
	),
	'/memos/{id}/remind': withParameters(
		[memoParam],
		post(
			'remindPendingMemo',
			'Remind everyone still pending now (once an hour)',
			{
				type: 'object',
				properties: { reminded: { type: 'integer' } }
			},
			undefined,
			{ '429': errorResponse }
		)
	),
	'/memos/{id}/recipients/{userId}/extend': withParameters([memoParam, userParam], {
		post: {
			operationId: 'extendMemoDueDate',
			summary: 'Move one person’s due date, with a reason',
			requestBody: jsonBody({
				type: 'object',
				required: ['dueOn', 'reason'],
				properties: { dueOn: { type: 'string', format: 'date' }, reason }
			}),
			responses: { '201': jsonOf('The exception recorded', ref('MemoException')), ...writeErrors }
		}
	}),
	'/memos/{id}/recipients/{userId}/acknowledge-on-behalf': withParameters([memoParam, userParam], {
		post: {
			operationId: 'acknowledgeMemoOnBehalf',
			summary: 'Record an acknowledgement on someone’s behalf, with a reason',
			requestBody: jsonBody({ type: 'object', required: ['reason'], properties: { reason } }),
			responses: { '201': jsonOf('The acknowledgement', ref('Acknowledgement')), ...writeErrors }
		}
	})
};

export { memoSchemas } from './openapi-memo-schemas.ts';
