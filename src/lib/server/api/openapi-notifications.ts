/**
 * The notification endpoints of the OpenAPI document (merged into ./openapi.ts).
 */
import { CATEGORY_INFO, DELIVERIES, NOTIFICATION_CATEGORIES } from '../../shared/notifications.ts';
import { errorResponse, jsonOf, ref } from './openapi-common.ts';

const categorySchema = { type: 'string', enum: [...NOTIFICATION_CATEGORIES] };
const deliverySchema = {
	type: 'string',
	enum: [...DELIVERIES],
	description:
		'`immediately`: in the app and by e-mail at once; `digest`: in the app and in the daily e-mail digest; `app`: in the app only; `off`: not at all.'
};
const counts = {
	type: 'object',
	required: ['marked', 'unread'],
	properties: {
		marked: { type: 'integer', description: 'How many changed from unread to read.' },
		unread: { type: 'integer', description: 'Unread left (at most 100).' }
	}
};

export const notificationPaths = {
	'/notifications': {
		get: {
			operationId: 'listNotifications',
			summary: 'The caller’s notifications, grouped by thread, post, memo or page',
			description:
				'Newest first, `limit` events per page (a group may continue on the next page). Categories the caller turned off are left out.',
			parameters: [
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
					schema: { type: 'integer', minimum: 1, maximum: 200, default: 100 }
				}
			],
			responses: {
				'200': jsonOf('One page of grouped notifications', ref('NotificationPage')),
				'400': errorResponse,
				'401': errorResponse
			}
		}
	},
	'/notifications/read': {
		post: {
			operationId: 'markNotificationsRead',
			summary: 'Mark some of the caller’s notifications read',
			requestBody: {
				required: true,
				content: {
					'application/json': {
						schema: {
							type: 'object',
							required: ['ids'],
							properties: {
								ids: {
									type: 'array',
									items: { type: 'integer' },
									minItems: 1,
									maxItems: 500,
									description: 'Notification ids; others’ ids are ignored.'
								}
							}
						}
					}
				}
			},
			responses: { '200': jsonOf('Done', counts), '400': errorResponse, '401': errorResponse }
		}
	},
	'/notifications/read-all': {
		post: {
			operationId: 'markAllNotificationsRead',
			summary: 'Mark every notification of the caller read',
			responses: { '200': jsonOf('Done', counts), '401': errorResponse }
		}
	},
	'/notifications/preferences': {
		get: {
			operationId: 'getNotificationPreferences',
			summary: 'How the caller hears about each category, and when their digest comes',
			responses: {
				'200': jsonOf('The caller’s choices', ref('NotificationPreferences')),
				'401': errorResponse
			}
		},
		put: {
			operationId: 'updateNotificationPreferences',
			summary: 'Change some of the caller’s notification choices',
			description: `Fields left out stay as they are. ${NOTIFICATION_CATEGORIES.filter(
				(c) => !CATEGORY_INFO[c].allowed.includes('off')
			)
				.map((c) => `\`${c}\``)
				.join(' and ')} (memos someone must acknowledge) take only \`immediately\` or \`digest\`.`,
			requestBody: {
				required: true,
				content: {
					'application/json': {
						schema: {
							type: 'object',
							properties: {
								deliveries: {
									type: 'object',
									propertyNames: categorySchema,
									additionalProperties: deliverySchema
								},
								timeZone: { type: 'string', description: 'An IANA time zone, e.g. Europe/London.' },
								digestHour: { type: 'integer', minimum: 0, maximum: 23 }
							}
						}
					}
				}
			},
			responses: {
				'200': jsonOf('The choices as saved', ref('NotificationPreferences')),
				'400': errorResponse,
				'401': errorResponse
			}
		}
	}
};

export const notificationSchemas = {
	NotificationItem: {
		type: 'object',
		required: ['id', 'kind', 'category', 'actor', 'text', 'url', 'createdAt', 'read'],
		properties: {
			id: { type: 'integer' },
			kind: {
				type: 'string',
				description:
					'mention, reply, thread.message, memo.reminder, memo.escalation or page.review.'
			},
			category: { oneOf: [categorySchema, { const: 'other' }] },
			actor: {
				type: ['object', 'null'],
				properties: { id: { type: 'integer' }, name: { type: 'string' } }
			},
			text: { type: 'string', description: 'What happened, in a sentence.' },
			url: {
				type: 'string',
				description: 'The exact message, comment, memo or page, e.g. /threads/4?at=12#m-12.'
			},
			createdAt: { type: 'string', format: 'date-time' },
			read: { type: 'boolean' }
		}
	},
	NotificationGroup: {
		type: 'object',
		required: ['key', 'headline', 'subject', 'unread', 'latestAt', 'url', 'items'],
		properties: {
			key: { type: 'string', description: 'e.g. thread:4, post:12, memo:3, page:9.' },
			headline: { type: 'string', description: 'e.g. “4 new replies on “Budget 2027””.' },
			subject: {
				type: 'object',
				properties: {
					type: { type: 'string', enum: ['thread', 'post', 'memo', 'page', 'other'] },
					id: { type: 'integer' },
					title: { type: 'string' }
				}
			},
			unread: { type: 'integer' },
			latestAt: { type: 'string', format: 'date-time' },
			url: { type: 'string', description: 'Where reading starts: the oldest unread event.' },
			items: { type: 'array', items: ref('NotificationItem') }
		}
	},
	NotificationPage: {
		type: 'object',
		required: ['groups', 'unread', 'nextCursor'],
		properties: {
			groups: { type: 'array', items: ref('NotificationGroup') },
			unread: { type: 'integer', description: 'Unread in all (at most 100).' },
			nextCursor: { type: ['string', 'null'] }
		}
	},
	NotificationPreferences: {
		type: 'object',
		required: ['deliveries', 'timeZone', 'digestHour'],
		properties: {
			deliveries: {
				type: 'object',
				propertyNames: categorySchema,
				additionalProperties: deliverySchema
			},
			timeZone: { type: 'string' },
			digestHour: { type: 'integer', minimum: 0, maximum: 23 }
		}
	}
};
