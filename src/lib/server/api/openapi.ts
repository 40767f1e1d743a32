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
		},
		'/me': {
			get: {
				operationId: 'getMe',
				summary: 'The person the request is made as',
				responses: {
					'200': {
						description: 'The caller',
						content: { 'application/json': { schema: { $ref: '#/components/schemas/Me' } } }
					},
					'401': errorResponse
				}
			}
		}
	} as Record<string, Record<string, unknown>>,
	security: [{ bearerAuth: [] }, { sessionCookie: [] }],
	components: {
		securitySchemes: {
			bearerAuth: {
				type: 'http',
				scheme: 'bearer',
				description: 'A personal access token (cmn_…) created on the Access tokens page.'
			},
			sessionCookie: { type: 'apiKey', in: 'cookie', name: '__Host-commons_session' }
		},
		schemas: {
			Me: {
				type: 'object',
				required: ['id', 'email', 'name', 'title', 'department', 'roles'],
				properties: {
					id: { type: 'integer' },
					email: { type: 'string', format: 'email' },
					name: { type: 'string' },
					title: { type: 'string' },
					bio: { type: 'string' },
					department: {
						type: 'object',
						properties: {
							id: { type: 'integer' },
							slug: { type: 'string' },
							name: { type: 'string' }
						}
					},
					manager: {
						type: ['object', 'null'],
						properties: { id: { type: 'integer' }, name: { type: 'string' } }
					},
					roles: {
						type: 'object',
						properties: {
							admin: { type: 'boolean' },
							communications: { type: 'boolean' },
							managerOf: { type: 'array', items: { type: 'integer' } }
						}
					}
				}
			},
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
