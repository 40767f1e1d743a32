/**
 * Regenerates src/lib/server/db/schema.ts from a freshly migrated throwaway database.
 * `npm run db:types` writes it; `npm run db:types -- --verify` fails when it is stale.
 */
import { execFileSync } from 'node:child_process';
import { createDb } from '../src/lib/server/db/index.ts';
import { ensureDatabase } from '../src/lib/server/db/embedded.ts';
import { migrateToLatest } from '../src/lib/server/db/migrate.ts';
import { startScratchPostgres } from '../src/lib/server/db/scratch.ts';

export const SCHEMA_FILE = 'src/lib/server/db/schema.ts';

export function codegenArgs(url: string, outFile: string): string[] {
	return [
		'kysely-codegen',
		'--dialect=postgres',
		'--camel-case',
		'--exclude-pattern=kysely_migration*',
		'--type-mapping={"int8":"number","date":"string"}',
		`--url=${url}`,
		`--out-file=${outFile}`
	];
}

async function main() {
	const verify = process.argv.includes('--verify');
	const server = await startScratchPostgres();
	try {
		await ensureDatabase(server.urlFor('postgres'), 'codegen');
		const url = server.urlFor('codegen');
		const db = createDb(url, 1);
		await migrateToLatest(db);
		await db.destroy();
		const args = codegenArgs(url, SCHEMA_FILE);
		if (verify) args.push('--verify');
		execFileSync('npx', args, { stdio: 'inherit' });
	} finally {
		await server.stop();
	}
}

if (import.meta.url === `file://${process.argv[1]}`) {
	main().catch((error) => {
		console.error(error instanceof Error ? error.message : error);
		process.exit(1);
	});
}
