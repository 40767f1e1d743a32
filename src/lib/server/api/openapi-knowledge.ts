/**
 * The knowledge-page part of the OpenAPI document: pages, revisions, diffs, moves, governance.
 */
import {
	cursorParam,
	errorResponse,
	idParam,
	jsonOf,
	noContent,
	objectErrors,
	ref,
	withParameters
} from './openapi-common.ts';

const jsonBody = (schema: object) => ({
	required: true,
	content: { 'application/json': { schema } }
});
const writeErrors = { ...objectErrors, '403': errorResponse };
const pageParam = idParam('The page');
const revisionParam = {
	name: 'number',
	in: 'path',
	required: true,
	description: 'A revision number (1 is the first save)',
	schema: { type: 'integer', minimum: 1 }
};

export const knowledgePaths = {
	'/pages': {
		get: {
			operationId: 'listPages',
			summary: 'Pages the caller may see, most recently updated first',
			parameters: [
				{
					name: 'space',
					in: 'query',
					required: false,
					description: 'A department’s slug, or `organisation`.',
					schema: { type: 'string' }
				},
				{
					name: 'limit',
					in: 'query',
					required: false,
					schema: { type: 'integer', minimum: 1, maximum: 100, default: 50 }
				},
				cursorParam
			],
			responses: {
				'200': jsonOf('A page of pages', {
					type: 'object',
					properties: {
						pages: { type: 'array', items: ref('PageSummary') },
						nextCursor: { type: ['string', 'null'] }
					}
				}),
				'401': errorResponse,
				'404': errorResponse
			}
		},
		post: {
			operationId: 'createPage',
			summary: 'Create a page (its first revision)',
			description:
				'Members of the space’s department write in its space; communications staff and administrators in the organisation’s.',
			requestBody: jsonBody(ref('PageInput')),
			responses: { '201': jsonOf('The new page', ref('Page')), ...writeErrors }
		}
	},
	'/pages/preview': {
		post: {
			operationId: 'previewPage',
			summary: 'Render page markdown exactly as saving would, without saving',
			requestBody: jsonBody({
				type: 'object',
				required: ['space', 'body'],
				properties: { space: { type: 'string' }, body: { type: 'string', maxLength: 100000 } }
			}),
			responses: {
				'200': jsonOf('The rendered page', {
					type: 'object',
					properties: { html: { type: 'string' }, toc: { type: 'array', items: ref('TocEntry') } }
				}),
				...objectErrors
			}
		}
	},
	'/pages/{id}': withParameters([pageParam], {
		get: {
			operationId: 'getPage',
			summary: 'One page, with breadcrumbs, sub-pages and backlinks',
			responses: { '200': jsonOf('The page', ref('Page')), ...objectErrors }
		},
		put: {
			operationId: 'revisePage',
			summary: 'Save a new revision',
			description:
				'`baseRevision` is the revision the edit started from. If someone saved since, the answer is 409 and `error.current` holds their version, `error.diff` the line diff from theirs to yours: nothing is written.',
			requestBody: jsonBody({
				type: 'object',
				required: ['title', 'body', 'baseRevision'],
				properties: {
					title: { type: 'string', minLength: 1, maxLength: 200 },
					body: { type: 'string', maxLength: 100000 },
					summary: { type: 'string', maxLength: 300 },
					baseRevision: { type: 'integer', minimum: 1 }
				}
			}),
			responses: {
				'200': jsonOf('The page after the save', ref('Page')),
				...writeErrors,
				'409': jsonOf('Someone saved in between', ref('PageConflict'))
			}
		},
		delete: {
			operationId: 'deletePage',
			summary: 'Delete a page without sub-pages (owner, managers, administrators)',
			responses: { '204': noContent, ...writeErrors, '409': errorResponse }
		}
	}),
	'/pages/{id}/move': withParameters([pageParam], {
		post: {
			operationId: 'movePage',
			summary: 'Move a page and its sub-pages under another page of its space, or to the top',
			requestBody: jsonBody({
				type: 'object',
				properties: {
					parentId: { type: ['integer', 'null'] },
					slug: { type: 'string', pattern: '^[a-z0-9]+(-[a-z0-9]+)*$' }
				}
			}),
			responses: { '200': jsonOf('The moved page', ref('Page')), ...writeErrors }
		}
	}),
	'/pages/{id}/revisions': withParameters([pageParam], {
		get: {
			operationId: 'listPageRevisions',
			summary: 'A page’s revisions, newest first, 50 at a time',
			parameters: [
				{
					name: 'before',
					in: 'query',
					required: false,
					description: 'The `nextBefore` of the previous answer.',
					schema: { type: 'integer' }
				}
			],
			responses: {
				'200': jsonOf('Revisions', {
					type: 'object',
					properties: {
						revisions: { type: 'array', items: ref('Revision') },
						currentRevision: { type: 'integer' },
						nextBefore: { type: ['integer', 'null'] }
					}
				}),
				...objectErrors
			}
		}
	}),
	'/pages/{id}/revisions/{number}': withParameters([pageParam, revisionParam], {
		get: {
			operationId: 'getPageRevision',
			summary: 'One revision’s full text',
			responses: {
				'200': jsonOf('The revision', {
					allOf: [
						ref('Revision'),
						{
							type: 'object',
							properties: { bodySource: { type: 'string' }, bodyHtml: { type: 'string' } }
						}
					]
				}),
				...objectErrors
			}
		}
	}),
	'/pages/{id}/revisions/{number}/restore': withParameters([pageParam, revisionParam], {
		post: {
			operationId: 'restorePageRevision',
			summary: 'Make this revision the current text again, as a new revision',
			requestBody: jsonBody({
				type: 'object',
				required: ['baseRevision'],
				properties: { baseRevision: { type: 'integer', minimum: 1 } }
			}),
			responses: {
				'200': jsonOf('The page after restoring', ref('Page')),
				...writeErrors,
				'409': errorResponse
			}
		}
	}),
	'/pages/{id}/diff': withParameters([pageParam], {
		get: {
			operationId: 'diffPageRevisions',
			summary: 'The line diff between two revisions',
			parameters: ['from', 'to'].map((name) => ({
				name,
				in: 'query',
				required: true,
				schema: { type: 'integer', minimum: 1 }
			})),
			responses: { '200': jsonOf('The diff', ref('PageDiff')), ...objectErrors }
		}
	}),
	'/pages/{id}/governance': withParameters([pageParam], {
		put: {
			operationId: 'setPageGovernance',
			summary: 'Set the owner, the review-by date and who may edit',
			requestBody: jsonBody({
				type: 'object',
				required: ['ownerId'],
				properties: {
					ownerId: { type: 'integer' },
					reviewBy: { type: ['string', 'null'], format: 'date' },
					editRestricted: { type: 'boolean' },
					editorIds: { type: 'array', items: { type: 'integer' }, maxItems: 100 }
				}
			}),
			responses: { '200': jsonOf('The page', ref('Page')), ...writeErrors }
		}
	}),
	'/pages/{id}/verification': withParameters([pageParam], {
		put: {
			operationId: 'verifyPage',
			summary: 'Mark the page verified until a date (null clears it)',
			requestBody: jsonBody({
				type: 'object',
				properties: { verifiedUntil: { type: ['string', 'null'], format: 'date' } }
			}),
			responses: { '200': jsonOf('The page', ref('Page')), ...writeErrors }
		}
	})
};

const pageRef = {
	type: 'object',
	properties: { id: { type: 'integer' }, title: { type: 'string' }, href: { type: 'string' } }
};
const personRef = {
	type: 'object',
	properties: { id: { type: 'integer' }, name: { type: 'string' } }
};

export const knowledgeSchemas = {
	PageInput: {
		type: 'object',
		required: ['space', 'title', 'body'],
		properties: {
			space: { type: 'string', description: 'A department’s slug, or `organisation`.' },
			parentId: { type: ['integer', 'null'] },
			title: { type: 'string', minLength: 1, maxLength: 200 },
			slug: { type: 'string', description: 'Made from the title when left out.' },
			body: { type: 'string', maxLength: 100000, description: 'Markdown; `[[Page title]]` links.' },
			summary: { type: 'string', maxLength: 300 }
		}
	},
	TocEntry: {
		type: 'object',
		properties: { level: { type: 'integer' }, id: { type: 'string' }, text: { type: 'string' } }
	},
	PageSummary: {
		type: 'object',
		properties: {
			id: { type: 'integer' },
			title: { type: 'string' },
			href: { type: 'string' },
			spaceName: { type: 'string' },
			spaceSlug: { type: 'string' },
			updatedAt: { type: 'string', format: 'date-time' }
		}
	},
	Page: {
		type: 'object',
		properties: {
			id: { type: 'integer' },
			space: {
				type: 'object',
				properties: {
					slug: { type: 'string' },
					name: { type: 'string' },
					departmentId: { type: ['integer', 'null'] }
				}
			},
			title: { type: 'string' },
			slug: { type: 'string' },
			path: { type: 'string' },
			href: { type: 'string' },
			parentId: { type: ['integer', 'null'] },
			bodySource: { type: 'string' },
			bodyHtml: { type: 'string', description: 'Sanitised HTML, as the page shows it' },
			toc: { type: 'array', items: ref('TocEntry') },
			revision: { type: 'integer' },
			owner: personRef,
			updatedBy: personRef,
			updatedAt: { type: 'string', format: 'date-time' },
			createdAt: { type: 'string', format: 'date-time' },
			reviewBy: { type: ['string', 'null'], format: 'date' },
			verifiedUntil: { type: ['string', 'null'], format: 'date' },
			verifiedBy: { oneOf: [personRef, { type: 'null' }] },
			overdue: { type: 'boolean', description: 'The review-by date has passed' },
			verified: { type: 'boolean' },
			editRestricted: { type: 'boolean' },
			breadcrumbs: { type: 'array', items: pageRef },
			children: { type: 'array', items: pageRef },
			backlinks: { type: 'array', items: pageRef },
			attachments: {
				type: 'array',
				description:
					'Files uploaded with POST /files and linked from the text (`/files/{id}/{name}`): saving attaches the writer’s own unattached uploads to the page.',
				items: {
					type: 'object',
					properties: {
						id: { type: 'integer' },
						fileName: { type: 'string' },
						contentType: { type: 'string' },
						byteSize: { type: 'integer' },
						url: { type: 'string' }
					}
				}
			},
			can: {
				type: 'object',
				properties: {
					edit: { type: 'boolean' },
					govern: { type: 'boolean' },
					move: { type: 'boolean' },
					delete: { type: 'boolean' }
				}
			}
		}
	},
	Revision: {
		type: 'object',
		properties: {
			number: { type: 'integer' },
			title: { type: 'string' },
			summary: { type: 'string' },
			author: personRef,
			createdAt: { type: 'string', format: 'date-time' },
			restoredFrom: { type: ['integer', 'null'] }
		}
	},
	PageDiff: {
		type: 'object',
		properties: {
			from: ref('Revision'),
			to: ref('Revision'),
			titleChanged: { type: 'boolean' },
			added: { type: 'integer', description: 'Lines added' },
			removed: { type: 'integer', description: 'Lines removed' },
			parts: { type: 'array', items: ref('DiffPart') }
		}
	},
	DiffPart: {
		type: 'object',
		properties: {
			kind: { enum: ['same', 'added', 'removed'] },
			text: { type: 'string' }
		}
	},
	PageConflict: {
		type: 'object',
		properties: {
			error: {
				type: 'object',
				properties: {
					code: { const: 'conflict' },
					message: { type: 'string' },
					current: {
						type: 'object',
						properties: {
							revision: { type: 'integer' },
							title: { type: 'string' },
							bodySource: { type: 'string' },
							updatedBy: { type: 'string' },
							updatedAt: { type: 'string', format: 'date-time' }
						}
					},
					diff: {
						type: 'object',
						properties: {
							parts: { type: 'array', items: ref('DiffPart') },
							added: { type: 'integer' },
							removed: { type: 'integer' }
						}
					}
				}
			}
		}
	}
};
