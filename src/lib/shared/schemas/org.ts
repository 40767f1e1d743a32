/**
 * Input schemas for people and departments, shared by forms, the JSON API and the CSV import.
 */
import { z } from 'zod';

export const emailSchema = z
	.string({ error: 'Enter an email address.' })
	.trim()
	.toLowerCase()
	.max(254, 'Email addresses are at most 254 characters.')
	.pipe(z.email({ error: 'Enter a valid email address, like name@example.org.' }));

export const slugSchema = z
	.string()
	.trim()
	.toLowerCase()
	.min(2, 'Use at least 2 characters.')
	.max(60, 'Use at most 60 characters.')
	.regex(
		/^[a-z0-9]+(-[a-z0-9]+)*$/,
		'Use lowercase letters, digits and single hyphens, like “parks-and-gardens”.'
	);

const optionalId = z
	.union([z.literal(''), z.coerce.number().int().positive()])
	.optional()
	.transform((v) => (v === '' || v === undefined ? null : v));

export const personInputSchema = z.object({
	email: emailSchema,
	name: z
		.string()
		.trim()
		.min(1, 'Enter the person’s name.')
		.max(200, 'Names are at most 200 characters.'),
	title: z.string().trim().max(200, 'Titles are at most 200 characters.').default(''),
	departmentId: z.coerce
		.number({ error: 'Choose a department.' })
		.int()
		.positive('Choose a department.'),
	managerId: optionalId,
	bio: z.string().trim().max(2000, 'Keep the bio under 2,000 characters.').default('')
});
export type PersonInput = z.infer<typeof personInputSchema>;

export const departmentInputSchema = z.object({
	name: z
		.string()
		.trim()
		.min(1, 'Enter the department’s name.')
		.max(120, 'Names are at most 120 characters.'),
	// A department's slug names its knowledge space in URLs (/kb/<slug>), beside these.
	slug: slugSchema.refine(
		(slug) => !['organisation', 'new', 'link'].includes(slug),
		'That address is reserved. Choose another.'
	),
	description: z
		.string()
		.trim()
		.max(2000, 'Keep the description under 2,000 characters.')
		.default(''),
	parentId: optionalId,
	visibility: z.enum(['organisation', 'members-only'], {
		error: 'Choose who can see the department.'
	})
});
export type DepartmentInput = z.infer<typeof departmentInputSchema>;

export const roleKeys = ['communications', 'admin'] as const;

export const rolesInputSchema = z.object({
	roles: z.array(z.enum(roleKeys)).default([]),
	managerOf: z.array(z.coerce.number().int().positive()).default([])
});
export type RolesInput = z.infer<typeof rolesInputSchema>;
