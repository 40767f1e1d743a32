/**
 * Large page data that is plain JSON (a page of posts) sent to the browser as one JSON text.
 *
 * SvelteKit writes a page's data into the page as JavaScript (devalue), visiting every object
 * and property in JavaScript and joining the pieces at every level: for the home feed's 25
 * posts that was 9% of the page's rendering time and 0.44 MB of its 1.6 MB of allocations
 * (bench/README.md, feed-home), against a few hundredths of a millisecond for `JSON.stringify`.
 * Wrapped with `asJsonPageData`, such a value goes through the `JsonPageData` transport
 * (src/hooks.ts) as one string and is parsed in the browser; on the server the page renders
 * from the value itself, so components see the same fields either way.
 *
 * Only for values made of strings, numbers, booleans, null, arrays and plain objects (the type
 * checks it): JSON drops `undefined` and turns dates into strings.
 */
export class JsonPageData {}

type Json = string | number | boolean | null | Json[] | { [key: string]: Json };

/** `value`, marked to travel to the browser as JSON (see the module comment). */
export function asJsonPageData<T extends { [key: string]: Json }>(value: T): T {
	return Object.assign(new JsonPageData(), value);
}

export function encodeJsonPageData(value: unknown): string | false {
	return value instanceof JsonPageData && JSON.stringify(value);
}

export function decodeJsonPageData(text: string): unknown {
	return JSON.parse(text);
}
