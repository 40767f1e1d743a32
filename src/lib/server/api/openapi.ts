import { REACTION_KINDS } from '../../shared/schemas/feeds.ts';
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
import { knowledgePaths, knowledgeSchemas } from './openapi-knowledge.ts';
import { searchPaths, searchSchemas } from './openapi-search.ts';
import { memoPaths, memoSchemas } from './openapi-memos.ts';
import { notificationPaths, notificationSchemas } from './openapi-notifications.ts';

/**
 * The OpenAPI 3.1 description of /api/v1. A test checks that every path here has a route and
 * every /api/v1 route is here, so this document stays true as endpoints are added.
 */
const feedPaths = {
	'/feed': {
		get: {
			operationId: 'getHomeFeed',
			summary: 'The caller’s home feed, newest first',
			description:
				'Their department, departments and people they follow, and organisation-wide posts. The first page also lists pinned posts and current announcements under `top`.',
			parameters: [
				{
					name: 'department',
					in: 'query',
					required: false,
					description: 'A department id, or `organisation` for organisation-wide posts only.',
					schema: { oneOf: [{ type: 'integer' }, { const: 'organisation' }] }
				},
				cursorParam
			],
			responses: { '200': jsonOf('A page of posts', ref('FeedPage')), '401': errorResponse }
		}
	},
	'/posts': {
		post: {
			operationId: 'createPost',
			summary: 'Publish a post',
			requestBody: {
				required: true,
				content: { 'application/json': { schema: ref('PostInput') } }
			},
			responses: {
				'201': jsonOf('The new post', ref('Post')),
				'400': errorResponse,
				'401': errorResponse,
				'403': errorResponse
			}
		}
	},
	'/posts/{id}': withParameters([idParam('The post')], {
		get: {
			operationId: 'getPost',
			summary: 'One post',
			responses: { '200': jsonOf('The post', ref('Post')), ...objectErrors }
		},
		patch: {
			operationId: 'editPost',
			summary: 'Replace a post’s text (author only; the earlier version is kept)',
			requestBody: {
				required: true,
				content: {
					'application/json': {
						schema: {
							type: 'object',
							required: ['body'],
							properties: { body: { type: 'string', minLength: 1, maxLength: 20000 } }
						}
					}
				}
			},
			responses: {
				'200': jsonOf('The edited post', ref('Post')),
				...objectErrors,
				'403': errorResponse,
				'409': errorResponse
			}
		},
		delete: {
			operationId: 'deletePost',
			summary: 'Delete a post (author, the department’s managers, administrators)',
			responses: { '204': noContent, ...objectErrors, '403': errorResponse, '409': errorResponse }
		}
	}),
	'/posts/{id}/comments': withParameters([idParam('The post')], {
		get: {
			operationId: 'listComments',
			summary: 'A post’s comments, oldest first',
			responses: {
				'200': jsonOf('Comments', {
					type: 'object',
					properties: { comments: { type: 'array', items: ref('Comment') } }
				}),
				...objectErrors
			}
		},
		post: {
			operationId: 'addComment',
			summary: 'Comment on a post, or reply to a top-level comment',
			requestBody: {
				required: true,
				content: {
					'application/json': {
						schema: {
							type: 'object',
							required: ['body'],
							properties: {
								body: { type: 'string', minLength: 1, maxLength: 5000 },
								parentId: { type: 'integer', description: 'A top-level comment to reply to' }
							}
						}
					}
				}
			},
			responses: {
				'201': jsonOf('The comment', ref('Comment')),
				...objectErrors,
				'409': errorResponse
			}
		}
	}),
	'/posts/{id}/reactions/{kind}': withParameters(
		[
			idParam('The post'),
			{
				name: 'kind',
				in: 'path',
				required: true,
				schema: { type: 'string', enum: [...REACTION_KINDS] }
			}
		],
		{
			put: {
				operationId: 'addReaction',
				summary: 'React to a post (409 if already reacted this way)',
				responses: { '204': noContent, ...objectErrors, '409': errorResponse }
			},
			delete: {
				operationId: 'removeReaction',
				summary: 'Take a reaction back (404 if there was none)',
				responses: { '204': noContent, ...objectErrors }
			}
		}
	),
	'/comments/{id}': withParameters([idParam('The comment')], {
		delete: {
			operationId: 'deleteComment',
			summary: 'Delete a comment (its author or the post’s moderators)',
			responses: { '204': noContent, ...objectErrors, '403': errorResponse, '409': errorResponse }
		}
	}),
	'/departments': {
		get: {
			operationId: 'listDepartments',
			summary: 'Every department the caller may see, in tree order',
			description:
				'Members-only departments are listed to their members only. `version` is a hash of the list: a request that names the current one (`?v=`) may be kept by the browser for a day, any other for no time.',
			parameters: [
				{
					name: 'v',
					in: 'query',
					required: false,
					description:
						'The `version` of a list fetched before; only decides how long the answer may be cached.',
					schema: { type: 'string', maxLength: 64 }
				}
			],
			responses: {
				'200': jsonOf('Departments', {
					type: 'object',
					required: ['departments', 'version'],
					properties: {
						departments: {
							type: 'array',
							items: {
								type: 'object',
								required: ['id', 'slug', 'name', 'parentId', 'depth'],
								properties: {
									id: { type: 'integer' },
									slug: { type: 'string' },
									name: { type: 'string' },
									parentId: { type: ['integer', 'null'] },
									depth: {
										type: 'integer',
										minimum: 0,
										description: '0 for a top-level department'
									}
								}
							}
						},
						version: { type: 'string' }
					}
				}),
				'401': errorResponse
			}
		}
	},
	'/departments/{id}/posts': withParameters([idParam('The department'), cursorParam], {
		get: {
			operationId: 'getDepartmentFeed',
			summary: 'A department’s feed',
			responses: { '200': jsonOf('A page of posts', ref('FeedPage')), ...objectErrors }
		}
	}),
	'/departments/{id}/follow': withParameters([idParam('The department')], {
		put: {
			operationId: 'followDepartment',
			summary: 'Follow a department (idempotent)',
			responses: { '204': noContent, ...objectErrors }
		},
		delete: {
			operationId: 'unfollowDepartment',
			summary: 'Stop following a department',
			responses: { '204': noContent, ...objectErrors }
		}
	}),
	'/people': {
		get: {
			operationId: 'listPeople',
			summary: 'Search the people directory by name or title, or list everyone',
			parameters: [
				{ name: 'query', in: 'query', required: false, schema: { type: 'string', maxLength: 100 } },
				cursorParam
			],
			responses: {
				'200': jsonOf('People', {
					type: 'object',
					properties: {
						people: { type: 'array', items: ref('PersonSummary') },
						nextCursor: { type: ['string', 'null'] }
					}
				}),
				'401': errorResponse
			}
		}
	},
	'/people/{id}/follow': withParameters([idParam('The person')], {
		put: {
			operationId: 'followPerson',
			summary: 'Follow a colleague (idempotent)',
			responses: { '204': noContent, ...objectErrors }
		},
		delete: {
			operationId: 'unfollowPerson',
			summary: 'Stop following a colleague',
			responses: { '204': noContent, ...objectErrors }
		}
	})
};

const feedSchemas = {
	PersonRef: {
		type: 'object',
		properties: { id: { type: 'integer' }, name: { type: 'string' }, title: { type: 'string' } }
	},
	PersonSummary: {
		type: 'object',
		properties: {
			id: { type: 'integer' },
			name: { type: 'string' },
			title: { type: 'string' },
			departmentName: { type: 'string' },
			departmentSlug: { type: 'string' }
		}
	},
	PostInput: {
		type: 'object',
		required: ['body', 'audience'],
		properties: {
			body: { type: 'string', minLength: 1, maxLength: 20000, description: 'Markdown' },
			audience: {
				oneOf: [{ type: 'integer' }, { const: 'organisation' }],
				description: 'A department id, or `organisation` (communications and administrators).'
			},
			announcement: { type: 'boolean', description: 'Organisation-wide posts only' },
			attachmentIds: { type: 'array', items: { type: 'integer' }, maxItems: 10 }
		}
	},
	Post: {
		type: 'object',
		properties: {
			id: { type: 'integer' },
			author: ref('PersonRef'),
			department: {
				type: ['object', 'null'],
				description: 'null for organisation-wide posts',
				properties: { id: { type: 'integer' }, name: { type: 'string' }, slug: { type: 'string' } }
			},
			bodyHtml: { type: 'string', description: 'Sanitised HTML rendered from the markdown' },
			bodySource: { type: ['string', 'null'], description: 'The markdown, for its author only' },
			isAnnouncement: { type: 'boolean' },
			pinned: { type: 'boolean' },
			createdAt: { type: 'string', format: 'date-time' },
			editedAt: { type: ['string', 'null'], format: 'date-time' },
			commentCount: { type: 'integer' },
			reactions: {
				type: 'array',
				items: {
					type: 'object',
					properties: {
						kind: { type: 'string', enum: [...REACTION_KINDS] },
						count: { type: 'integer' },
						mine: { type: 'boolean' }
					}
				}
			},
			attachments: {
				type: 'array',
				items: {
					type: 'object',
					properties: {
						id: { type: 'integer' },
						fileName: { type: 'string' },
						contentType: { type: 'string' },
						byteSize: { type: 'integer' },
						width: { type: ['integer', 'null'] },
						height: { type: ['integer', 'null'] },
						isImage: { type: 'boolean' },
						url: { type: 'string' }
					}
				}
			},
			can: {
				type: 'object',
				properties: {
					edit: { type: 'boolean' },
					delete: { type: 'boolean' },
					pin: { type: 'boolean' },
					viewHistory: { type: 'boolean' }
				}
			}
		}
	},
	Comment: {
		type: 'object',
		properties: {
			id: { type: 'integer' },
			parentId: { type: ['integer', 'null'] },
			author: ref('PersonRef'),
			bodyHtml: { type: 'string' },
			createdAt: { type: 'string', format: 'date-time' },
			editedAt: { type: ['string', 'null'], format: 'date-time' },
			deleted: { type: 'boolean' },
			can: { type: 'object', properties: { delete: { type: 'boolean' } } }
		}
	},
	FeedPage: {
		type: 'object',
		properties: {
			top: {
				type: 'array',
				items: ref('Post'),
				description: 'Pinned and announcements (first page)'
			},
			posts: { type: 'array', items: ref('Post') },
			nextCursor: { type: ['string', 'null'] }
		}
	}
};

const threadPaths = {
	'/threads': {
		get: {
			operationId: 'listThreads',
			summary: 'My threads with unread counts, or the threads of a department or the organisation',
			parameters: [
				{
					name: 'home',
					in: 'query',
					required: false,
					description: '`mine` (default), `organisation`, or a department id',
					schema: { oneOf: [{ type: 'integer' }, { enum: ['mine', 'organisation'] }] }
				}
			],
			responses: {
				'200': jsonOf('Threads', {
					type: 'object',
					properties: { threads: { type: 'array', items: ref('Thread') } }
				}),
				'400': errorResponse,
				'401': errorResponse,
				'404': errorResponse
			}
		},
		post: {
			operationId: 'startThread',
			summary: 'Start a thread',
			requestBody: {
				required: true,
				content: {
					'application/json': {
						schema: {
							type: 'object',
							required: ['title', 'home'],
							properties: {
								title: { type: 'string', minLength: 1, maxLength: 200 },
								home: { oneOf: [{ type: 'integer' }, { const: 'organisation' }] },
								announceOnly: { type: 'boolean' }
							}
						}
					}
				}
			},
			responses: {
				'201': jsonOf('The thread', ref('Thread')),
				'400': errorResponse,
				'401': errorResponse,
				'403': errorResponse
			}
		}
	},
	'/threads/{id}': withParameters([idParam('The thread')], {
		get: {
			operationId: 'getThread',
			summary: 'One thread',
			responses: { '200': jsonOf('The thread', ref('Thread')), ...objectErrors }
		}
	}),
	'/threads/{id}/messages': withParameters([idParam('The thread')], {
		get: {
			operationId: 'listMessages',
			summary: 'Messages after a sequence number (catch up) or before one (history), in order',
			parameters: [
				{ name: 'after', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } },
				{ name: 'before', in: 'query', required: false, schema: { type: 'integer', minimum: 0 } }
			],
			responses: {
				'200': jsonOf('Messages', {
					type: 'object',
					properties: {
						messages: { type: 'array', items: ref('Message') },
						hasMore: { type: 'boolean' }
					}
				}),
				...objectErrors
			}
		},
		post: {
			operationId: 'postMessage',
			summary: 'Post a message; repeating a clientKey returns the stored message (200)',
			requestBody: {
				required: true,
				content: {
					'application/json': {
						schema: {
							type: 'object',
							required: ['clientKey', 'body'],
							properties: {
								clientKey: {
									type: 'string',
									pattern: '^[A-Za-z0-9_-]{8,64}$',
									description: 'Idempotency key generated by the sender (e.g. a UUID)'
								},
								body: { type: 'string', minLength: 1, maxLength: 10000 },
								replyToId: { type: ['integer', 'null'] }
							}
						}
					}
				}
			},
			responses: {
				'201': jsonOf('The new message', ref('Message')),
				'200': jsonOf('The message stored earlier under this clientKey', ref('Message')),
				...objectErrors,
				'403': errorResponse,
				'429': errorResponse
			}
		}
	}),
	'/threads/{id}/read': withParameters([idParam('The thread')], {
		put: {
			operationId: 'markThreadRead',
			summary: 'Move my read position forward',
			requestBody: {
				required: true,
				content: {
					'application/json': {
						schema: { type: 'object', required: ['seq'], properties: { seq: { type: 'integer' } } }
					}
				}
			},
			responses: {
				'200': jsonOf('My read position', {
					type: 'object',
					properties: { readSeq: { type: 'integer' } }
				}),
				...objectErrors
			}
		}
	}),
	'/messages/{id}': withParameters([idParam('The message')], {
		patch: {
			operationId: 'editMessage',
			summary: 'Edit my message',
			requestBody: {
				required: true,
				content: {
					'application/json': {
						schema: {
							type: 'object',
							required: ['body'],
							properties: { body: { type: 'string', minLength: 1, maxLength: 10000 } }
						}
					}
				}
			},
			responses: {
				'200': jsonOf('The message', ref('Message')),
				...objectErrors,
				'403': errorResponse,
				'409': errorResponse
			}
		},
		delete: {
			operationId: 'deleteMessage',
			summary: 'Delete a message (leaves a tombstone)',
			responses: { '204': noContent, ...objectErrors, '403': errorResponse, '409': errorResponse }
		}
	}),
	'/posts/{id}/thread': withParameters([idParam('The post')], {
		post: {
			operationId: 'openPostThread',
			summary: 'The thread discussing a post, created on first use',
			responses: { '200': jsonOf('The thread', ref('Thread')), ...objectErrors }
		}
	})
};

const threadSchemas = {
	Thread: {
		type: 'object',
		properties: {
			id: { type: 'integer' },
			title: { type: 'string' },
			department: {
				type: ['object', 'null'],
				properties: { id: { type: 'integer' }, name: { type: 'string' }, slug: { type: 'string' } }
			},
			subject: {
				type: ['object', 'null'],
				properties: { type: { enum: ['post', 'page', 'memo'] }, id: { type: 'integer' } }
			},
			announceOnly: { type: 'boolean' },
			lastSeq: { type: 'integer' },
			lastMessageAt: { type: ['string', 'null'], format: 'date-time' },
			createdAt: { type: 'string', format: 'date-time' },
			readSeq: { type: ['integer', 'null'], description: 'In “mine” lists' },
			unread: { type: 'integer', description: 'In “mine” lists' },
			can: { type: 'object', properties: { post: { type: 'boolean' } } }
		}
	},
	Message: {
		type: 'object',
		properties: {
			id: { type: 'integer' },
			threadId: { type: 'integer' },
			seq: { type: 'integer', description: 'Position in the thread: 1, 2, 3… without gaps' },
			clientKey: { type: 'string' },
			author: ref('PersonRef'),
			bodyHtml: { type: 'string' },
			replyTo: {
				type: ['object', 'null'],
				properties: {
					id: { type: 'integer' },
					seq: { type: 'integer' },
					authorName: { type: 'string' },
					excerpt: { type: 'string' }
				}
			},
			createdAt: { type: 'string', format: 'date-time' },
			editedAt: { type: ['string', 'null'], format: 'date-time' },
			deleted: { type: 'boolean' },
			reactions: {
				type: 'array',
				items: {
					type: 'object',
					properties: {
						kind: { type: 'string', enum: [...REACTION_KINDS] },
						userIds: { type: 'array', items: { type: 'integer' } }
					}
				}
			}
		}
	}
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
		},
		...feedPaths,
		...threadPaths,
		...knowledgePaths,
		...searchPaths,
		...memoPaths,
		...notificationPaths
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
			...feedSchemas,
			...threadSchemas,
			...knowledgeSchemas,
			...searchSchemas,
			...memoSchemas,
			...notificationSchemas,
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
