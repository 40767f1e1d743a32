/** Building blocks of the OpenAPI document, shared by its parts. */
export const errorResponse = {
	description: 'Error',
	content: { 'application/json': { schema: { $ref: '#/components/schemas/Error' } } }
};

export const ref = (name: string) => ({ $ref: `#/components/schemas/${name}` });
export const jsonOf = (description: string, schema: object) => ({
	description,
	content: { 'application/json': { schema } }
});
export const idParam = (description: string) => ({
	name: 'id',
	in: 'path',
	required: true,
	description,
	schema: { type: 'integer', minimum: 1 }
});
export const noContent = { description: 'Done' };
/** The errors every operation on an object can answer with. */
export const objectErrors = { '400': errorResponse, '401': errorResponse, '404': errorResponse };
export const cursorParam = {
	name: 'cursor',
	in: 'query',
	required: false,
	description: 'The nextCursor of the previous page.',
	schema: { type: 'string' }
};

/** Path parameters repeated on each operation (simpler for clients and for our route tests). */
export function withParameters(
	parameters: object[],
	operations: Record<string, Record<string, unknown>>
) {
	return Object.fromEntries(
		Object.entries(operations).map(([method, operation]) => [
			method,
			{ ...operation, parameters: [...parameters, ...((operation.parameters as object[]) ?? [])] }
		])
	);
}
