/** The people directory's name search (GET /api/v1/people?query=), for pickers in the browser. */
export type PersonMatch = { id: number; name: string; title: string; departmentName: string };

export async function findPeople(query: string, signal?: AbortSignal): Promise<PersonMatch[]> {
	const response = await fetch(`/api/v1/people?query=${encodeURIComponent(query)}`, {
		headers: { accept: 'application/json' },
		signal
	});
	if (!response.ok) throw new Error(`people lookup answered ${response.status}`);
	return ((await response.json()) as { people?: PersonMatch[] }).people ?? [];
}
