import { departmentTree } from '$lib/server/org/directory.service';

export async function load() {
	return { departments: await departmentTree() };
}
