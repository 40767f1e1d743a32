/**
 * The search endpoints of the OpenAPI document (merged into ./openapi.ts, which is long enough).
 */
import {
	SEARCH_KINDS,
	SEARCH_PAGE_MAX,
	SEARCH_QUERY_MAX_LENGTH
} from '../../shared/schemas/search.ts';

import { errorResponse, jsonOf, ref } from './openapi-common.ts';
const kindSchema = { type: 'string', enum: [...SEARCH_KINDS] };
const qParam = {
	name: 'q',
	in: 'query',
	required: false,
	description: `What to look for, up to ${SEARCH_QUERY_MAX_LENGTH} characters (longer is cut, and the answer's notice says so). Web-search syntax: "a phrase", -without, this or that. Empty: no hits and a notice, not an error.`,
	schema: { type: 'string' }
};

export const searchPaths = {
	'/search': {
		get: {
			operationId: 'search',
			summary: 'Search pages, posts, comments, threads, messages, memos and people',
			description:
				'Only what the caller may see is ever matched, counted or suggested. When no word matches as written, titles and names spelled alike are returned (`mode: "typo"`).',
			parameters: [
				qParam,
				{
					name: 'type',
					in: 'query',
					required: false,
					description: 'Only these kinds (comma-separated, or the parameter repeated).',
					schema: { type: 'array', items: kindSchema },
					style: 'form',
					explode: false
				},
				{
					name: 'department',
					in: 'query',
					required: false,
					description:
						'A department id or slug (its sub-departments included), or `organisation` for organisation-wide content only.',
					schema: { oneOf: [{ type: 'integer' }, { type: 'string' }] }
				},
				{
					name: 'cursor',
					in: 'query',
					required: false,
					description: 'The nextCursor of the previous page.',
					schema: { type: 'string' }
				},
				{
					name: 'limit',
					in: 'query',
					required: false,
					schema: { type: 'integer', minimum: 1, maximum: SEARCH_PAGE_MAX, default: 20 }
				}
			],
			responses: {
				'200': jsonOf('One page of hits, best first', ref('SearchResponse')),
				'400': errorResponse,
				'401': errorResponse
			}
		}
	},
	'/search/suggest': {
		get: {
			operationId: 'suggestSearch',
			summary: 'As-you-type suggestions (the last word is a prefix)',
			parameters: [
				qParam,
				{
					name: 'limit',
					in: 'query',
					required: false,
					schema: { type: 'integer', minimum: 1, maximum: 10, default: 8 }
				}
			],
			responses: {
				'200': jsonOf('Suggestions', {
					type: 'object',
					properties: { suggestions: { type: 'array', items: ref('SearchSuggestion') } }
				}),
				'400': errorResponse,
				'401': errorResponse
			}
		}
	}
};

const markedHtml = {
	type: 'string',
	description: 'Escaped text; the only markup is <mark> around matched words.'
};

export const searchSchemas = {
	SearchHit: {
		type: 'object',
		required: ['kind', 'id', 'url', 'title', 'titleHtml', 'snippetHtml', 'createdAt'],
		properties: {
			kind: kindSchema,
			id: { type: 'integer' },
			url: { type: 'string', description: 'Where it is in the app, e.g. /posts/42.' },
			title: { type: 'string', description: 'Empty for posts, comments and messages.' },
			titleHtml: markedHtml,
			snippetHtml: markedHtml,
			context: { type: 'string', description: 'Where it lives, e.g. the thread of a message.' },
			department: {
				type: ['object', 'null'],
				properties: { id: { type: 'integer' }, slug: { type: 'string' }, name: { type: 'string' } }
			},
			author: {
				type: ['object', 'null'],
				properties: { id: { type: 'integer' }, name: { type: 'string' } }
			},
			createdAt: { type: 'string', format: 'date-time' },
			updatedAt: { type: 'string', format: 'date-time' }
		}
	},
	SearchResponse: {
		type: 'object',
		required: [
			'query',
			'mode',
			'correctedQuery',
			'hits',
			'counts',
			'countsCapped',
			'nextCursor',
			'notice'
		],
		properties: {
			query: { type: 'string', description: 'The query as searched (trimmed, maybe cut).' },
			mode: {
				type: 'string',
				enum: ['words', 'typo', 'none'],
				description:
					'`typo`: nothing matched as typed; the hits match `correctedQuery` (each word replaced by the closest word of a title or name).'
			},
			correctedQuery: { type: ['string', 'null'] },
			hits: { type: 'array', items: ref('SearchHit') },
			counts: {
				type: 'object',
				description:
					'Matches per kind the caller may see, ignoring the type filter; on the first page only.',
				additionalProperties: { type: 'integer' }
			},
			countsCapped: { type: 'boolean', description: 'True: the counts are lower bounds.' },
			nextCursor: { type: ['string', 'null'] },
			notice: { type: ['string', 'null'], description: 'Something to tell the person.' }
		}
	},
	SearchSuggestion: {
		type: 'object',
		properties: {
			kind: kindSchema,
			id: { type: 'integer' },
			url: { type: 'string' },
			label: { type: 'string' },
			labelHtml: markedHtml
		}
	}
};
