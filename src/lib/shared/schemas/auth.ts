import { z } from 'zod';

export const signInSchema = z.object({
	email: z
		.string()
		.trim()
		.min(1, 'Enter your email address.')
		.max(254, 'That email address is too long.'),
	// Length limits are enforced when passwords are set; here they only bound the work.
	password: z.string().min(1, 'Enter your password.').max(1024, 'That password is too long.'),
	next: z.string().max(2000).optional()
});
