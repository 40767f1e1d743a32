import { describe, expect, it } from 'vitest';
import { passwordProblem } from './password-policy.ts';

describe('passwordProblem', () => {
	it.each(['correct horse battery staple', 'tangerine-ladder-orbit', 'Ωmega-ßtraße-é-ünïcode'])(
		'accepts %j',
		(password) => {
			expect(passwordProblem(password)).toBeNull();
		}
	);

	it('requires 12 to 256 characters, counting characters not bytes', () => {
		expect(passwordProblem('short-pass')).toMatch(/at least 12/);
		expect(passwordProblem('x'.repeat(120) + 'y'.repeat(137))).toMatch(/at most 256/);
		expect(passwordProblem('🙂🙃🎉🌍🚲🍋🙂🙃🎉🌍🚲🍋')).toBeNull();
	});

	it.each([
		'password1234',
		'Password12345!',
		'qwertyuiop123',
		'iloveyou2026!',
		'Summer2026!!!',
		'1234567890123',
		'aaaaaaaaaaaaaa',
		'abababababab',
		'abcdefghijklm',
		'commons-2026!'
	])('refuses the common or trivial %j', (password) => {
		expect(passwordProblem(password)).not.toBeNull();
	});

	it('refuses a password built from the person’s own name or email', () => {
		expect(
			passwordProblem('hannahfischer1', {
				email: 'hannahfischer@commons.test',
				name: 'Hannah Fischer'
			})
		).toMatch(/your name or email/);
		expect(passwordProblem('okafor-2026-!!', { name: 'Grace Okafor' })).toMatch(
			/your name or email/
		);
	});
});
