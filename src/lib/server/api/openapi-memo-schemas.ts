/** Component schemas of the memo part of the OpenAPI document (see openapi-memos.ts). */
import { ref } from './openapi-common.ts';

const counts = {
	type: 'object',
	properties: Object.fromEntries(
		['total', 'acknowledged', 'viewed', 'pending', 'overdue', 'onBehalf', 'extended'].map((k) => [
			k,
			{ type: 'integer' }
		])
	)
};
const dateTime = { type: 'string', format: 'date-time' };
const nullableDateTime = { type: ['string', 'null'], format: 'date-time' };

export const memoSchemas = {
	MemoInput: {
		type: 'object',
		required: ['title', 'body', 'category', 'issuingDepartmentId'],
		properties: {
			title: { type: 'string', minLength: 1, maxLength: 200 },
			body: {
				type: 'string',
				maxLength: 100000,
				description:
					'Markdown. Files uploaded with POST /files and linked as /files/{id}/{name} are attached to the memo when it is saved or amended.'
			},
			category: { enum: ['policy', 'instruction', 'notice'] },
			issuingDepartmentId: { type: 'integer' },
			reference: { type: ['string', 'null'], maxLength: 60 },
			requiresApproval: { type: 'boolean' },
			dueOn: { type: ['string', 'null'], format: 'date' },
			includeLaterJoiners: { type: 'boolean' },
			laterJoinerDays: { type: 'integer', minimum: 1, maximum: 365 },
			attestation: { type: ['string', 'null'], maxLength: 500 },
			question: {
				type: ['object', 'null'],
				properties: {
					prompt: { type: 'string' },
					options: { type: 'array', items: { type: 'string' }, minItems: 2, maxItems: 6 },
					answer: { type: 'integer', description: 'Index of the right option' },
					explanation: { type: 'string' }
				}
			},
			reminderLadder: {
				type: 'object',
				properties: {
					onPublish: { type: 'boolean' },
					beforeDueDays: { type: 'array', items: { type: 'integer' } },
					onDue: { type: 'boolean' },
					overdueEveryDays: { type: 'integer', minimum: 0 }
				}
			},
			audience: {
				type: 'array',
				items: {
					type: 'object',
					required: ['kind'],
					properties: {
						kind: { enum: ['organisation', 'department', 'role', 'person'] },
						departmentId: { type: 'integer' },
						includeSub: { type: 'boolean', default: true },
						roleKey: { enum: ['staff', 'manager', 'communications', 'admin'] },
						userId: { type: 'integer' },
						exclude: { type: 'boolean', default: false }
					}
				}
			},
			supersedesId: {
				type: ['integer', 'null'],
				description:
					'A published memo this one replaces: publishing this one marks it superseded (its author, its department’s managers and administrators may).'
			}
		}
	},
	Memo: {
		type: 'object',
		properties: {
			id: { type: 'integer' },
			title: { type: 'string' },
			status: {
				enum: ['draft', 'awaiting_approval', 'scheduled', 'published', 'superseded', 'retracted']
			},
			currentVersion: { type: 'integer' },
			dueOn: { type: ['string', 'null'], format: 'date' },
			reviewComment: { type: ['string', 'null'] },
			publishedAt: nullableDateTime,
			supersedesId: { type: ['integer', 'null'] },
			supersededBy: { type: ['integer', 'null'] }
		}
	},
	MemoView: {
		type: 'object',
		properties: {
			id: { type: 'integer' },
			title: { type: 'string' },
			status: { type: 'string' },
			currentVersion: { type: 'integer' },
			attestation: { type: ['string', 'null'] },
			question: { type: ['object', 'null'] },
			version: {
				type: ['object', 'null'],
				properties: {
					number: { type: 'integer' },
					bodyHtml: { type: 'string' },
					contentHash: { type: 'string' },
					changeKind: { enum: ['initial', 'material', 'editorial'] }
				}
			},
			changes: {
				type: ['object', 'null'],
				description: 'Diff since the version the caller acknowledged'
			},
			recipient: {
				type: ['object', 'null'],
				properties: {
					state: { enum: ['pending', 'acknowledged'] },
					dueOn: { type: 'string', format: 'date' },
					overdue: { type: 'boolean' },
					deliveredAt: dateTime,
					firstViewedAt: nullableDateTime,
					acknowledgedAt: nullableDateTime,
					acknowledgedVersion: { type: ['integer', 'null'] }
				}
			}
		}
	},
	PendingMemo: {
		type: 'object',
		properties: {
			id: { type: 'integer' },
			title: { type: 'string' },
			version: { type: 'integer' },
			dueOn: { type: 'string', format: 'date' },
			overdue: { type: 'boolean' }
		}
	},
	Acknowledgement: {
		type: 'object',
		properties: {
			id: { type: 'integer' },
			userId: { type: 'integer' },
			versionNumber: { type: 'integer' },
			contentHash: { type: 'string' },
			acknowledgedAt: dateTime,
			ip: { type: ['string', 'null'] },
			userAgent: { type: ['string', 'null'] },
			onBehalfBy: { type: ['integer', 'null'] },
			onBehalfReason: { type: ['string', 'null'] }
		}
	},
	AcknowledgementResult: {
		type: 'object',
		properties: { acknowledgement: ref('Acknowledgement'), duplicate: { type: 'boolean' } }
	},
	MemoException: {
		type: 'object',
		properties: {
			id: { type: 'integer' },
			kind: { enum: ['extension', 'on_behalf'] },
			previousDueOn: { type: ['string', 'null'] },
			newDueOn: { type: ['string', 'null'] },
			reason: { type: 'string' },
			createdBy: { type: 'integer' },
			createdAt: dateTime
		}
	},
	MemoReport: {
		type: 'object',
		properties: {
			memo: ref('Memo'),
			counts,
			rollup: {
				type: 'array',
				items: {
					type: 'object',
					properties: {
						departmentId: { type: 'integer' },
						name: { type: 'string' },
						parentId: { type: ['integer', 'null'] },
						counts: { ...counts, description: 'This department and all below it' }
					}
				}
			}
		}
	},
	MemoReportPerson: {
		type: 'object',
		properties: {
			userId: { type: 'integer' },
			name: { type: 'string' },
			departmentName: { type: 'string' },
			state: { enum: ['pending', 'acknowledged'] },
			overdue: { type: 'boolean' },
			dueOn: { type: 'string', format: 'date' },
			firstViewedAt: nullableDateTime,
			acknowledgedAt: nullableDateTime,
			acknowledgedVersion: { type: ['integer', 'null'] },
			onBehalfBy: { type: ['string', 'null'] },
			extended: { type: 'boolean' }
		}
	},
	MemoEvidencePack: {
		type: 'object',
		properties: {
			format: { const: 'commons.memo-evidence/1' },
			memo: { type: 'object' },
			versions: { type: 'array', items: { type: 'object' } },
			acknowledgements: { type: 'array', items: ref('Acknowledgement') },
			exceptions: { type: 'array', items: ref('MemoException') },
			startPrevHash: { type: 'string' },
			auditEvents: { type: 'array', items: { type: 'object' } }
		}
	}
};
