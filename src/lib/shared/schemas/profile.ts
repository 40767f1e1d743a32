import { z } from 'zod';

export const profileInputSchema = z.object({
	bio: z.string().trim().max(2000, 'Keep your bio under 2,000 characters.')
});

export const passwordChangeSchema = z
	.object({
		currentPassword: z.string().min(1, 'Enter your current password.').max(1024),
		newPassword: z.string().max(1024, 'Use at most 256 characters.'),
		confirmPassword: z.string().max(1024)
	})
	.refine((v) => v.newPassword === v.confirmPassword, {
		path: ['confirmPassword'],
		message: 'The two new passwords are different. Type the same password twice.'
	});

export const accessTokenInputSchema = z.object({
	name: z
		.string()
		.trim()
		.min(1, 'Name the token after what will use it, like “Reporting script”.')
		.max(100, 'Use at most 100 characters.'),
	expiresInDays: z.enum(['7', '30', '90', '365', 'never'], {
		error: 'Choose when the token expires.'
	})
});
