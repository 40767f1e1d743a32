/**
 * Hooks that run on the server and in the browser. `transport` carries page data of types
 * SvelteKit does not know how to send; see src/lib/shared/json-page-data.ts.
 */
import type { Transport } from '@sveltejs/kit';
import { decodeJsonPageData, encodeJsonPageData } from '$lib/shared/json-page-data';

export const transport: Transport = {
	JsonPageData: { encode: encodeJsonPageData, decode: decodeJsonPageData }
};
