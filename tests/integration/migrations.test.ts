import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { codegenArgs, SCHEMA_FILE } from '../../scripts/db-types.ts';
import { pendingMigrations } from '../../src/lib/server/db/migrate.ts';
import { migrations } from '../../migrations/index.ts';
import { createTestDatabase } from './database.ts';

const { db, url } = await createTestDatabase();

describe('migrations', () => {
	it('lists every migration file, in name order, under its file name', () => {
		const files = fs
			.readdirSync('migrations')
			.filter((f) => f !== 'index.ts' && f.endsWith('.ts'))
			.map((f) => f.replace(/\.ts$/, ''))
			.sort();
		expect(Object.keys(migrations)).toEqual(files);
		for (const name of files) expect(name).toMatch(/^\d{4}_\d{2}_\d{2}_\d{4}_[a-z]+(_[a-z0-9]+)*$/);
	});

	it('leaves nothing pending on a migrated database', async () => {
		expect(await pendingMigrations(db)).toEqual([]);
	});

	it('keeps the committed schema.ts in step with the migrated database', () => {
		// kysely-codegen --verify exits non-zero when the generated types differ from the file.
		const run = () =>
			execFileSync('npx', [...codegenArgs(url, SCHEMA_FILE), '--verify', '--log-level=error'], {
				stdio: 'pipe'
			});
		expect(run).not.toThrow();
		expect(fs.existsSync(path.resolve(SCHEMA_FILE))).toBe(true);
	});

	it('refuses a department that is its own parent and a manager role without a department', async () => {
		const dept = await db
			.insertInto('department')
			.values({ slug: 'loop', name: 'Loop' })
			.returning('id')
			.executeTakeFirstOrThrow();
		await expect(
			db.updateTable('department').set({ parentId: dept.id }).where('id', '=', dept.id).execute()
		).rejects.toThrow(/department_not_own_parent/);
		const user = await db
			.insertInto('users')
			.values({ email: 'x@example.test', name: 'X', departmentId: dept.id })
			.returning('id')
			.executeTakeFirstOrThrow();
		await expect(
			db.insertInto('roleAssignment').values({ userId: user.id, roleKey: 'manager' }).execute()
		).rejects.toThrow(/role_assignment_scope/);
	});
});
