/**
 * The OpenAPI 3.1 description of /api/v1. A test checks that every path here has a route and
 * every /api/v1 route is here, so this document stays true as endpoints are added.
 */
const errorResponse = {
	description: 'Error',
	content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
};

export const openApiDocument = {
	openapi: '3.1.0',
	info: {
		title: 'Commons API',
		version: '1.0.0',
		description:
			'The JSON API of Commons, the organisation’s intranet. Every request is made on behalf of a person and sees only what that person may see.'
	},
	servers: [{ url: '/api/v1' }],
	paths: {
		'/openapi.json': {
			get: {
				operationId: 'getOpenApiDocument',
				summary: 'This document',
				security: [],
				responses: {
					'200': {
						description: 'The OpenAPI document',
						content: { 'application/json': { schema: { type: 'object' } } }
					}
				}
			}
		}
	} as Record<string, Record<string, unknown>>,
	components: {
		schemas: {
			Error: {
				type: 'object',
				required: ['error'],
				properties: {
					error: {
						type: 'object',
						required: ['code', 'message'],
						properties: {
							code: { type: 'string', examples: ['bad_request', 'forbidden', 'not_found'] },
							message: {
								type: 'string',
								description: 'What went wrong, in words a person can act on.'
							},
							fields: {
								type: 'object',
								additionalProperties: { type: 'string' },
								description: 'Per-field problems with the input.'
							}
						}
					}
				}
			}
		},
		responses: { Error: errorResponse }
	}
};
