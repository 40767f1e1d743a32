import { requestContext } from '$lib/server/context';
import { ValidationError } from '$lib/server/errors';
import { failForm } from '$lib/server/http';
import { listDepartmentsForAdministration } from '$lib/server/org/departments.service';
import { applyStaffImport, previewStaffImport } from '$lib/server/org/staff-import.service';
import { orErrorPage } from '../page-error.server';

export async function load(event) {
	// The departments a file may name (and, for anyone but an administrator, the 403).
	const departments = await orErrorPage(listDepartmentsForAdministration(requestContext(event)));
	return {
		departments: departments.map(({ id, slug, name, depth }) => ({ id, slug, name, depth }))
	};
}

/** The CSV text from the chosen file, or else from the pasted text. */
async function csvFrom(form: FormData): Promise<{ text: string; source: string }> {
	const file = form.get('file');
	if (file instanceof File && file.size > 0) return { text: await file.text(), source: file.name };
	const pasted = form.get('csv');
	return { text: typeof pasted === 'string' ? pasted : '', source: 'the pasted text' };
}

export const actions = {
	preview: async (event) => {
		const { text, source } = await csvFrom(await event.request.formData());
		if (!text.trim()) {
			const missing = new ValidationError(
				'Choose a CSV file, or paste the CSV text, then preview it.',
				{
					csv: 'Choose a file or paste the CSV text here.'
				}
			);
			return failForm(missing, { form: 'preview' });
		}
		try {
			const plan = await previewStaffImport(requestContext(event), text);
			return { form: 'preview', plan, csv: text, source };
		} catch (error) {
			return failForm(error, { form: 'preview', csv: text });
		}
	},
	apply: async (event) => {
		const form = await event.request.formData();
		const text = String(form.get('csv') ?? '');
		try {
			const counts = await applyStaffImport(requestContext(event), text);
			return {
				form: 'apply',
				message: `Imported: ${counts.create} created, ${counts.update} updated, ${counts.unchanged} unchanged.`,
				counts
			};
		} catch (error) {
			return failForm(error, { form: 'apply', csv: text });
		}
	}
};
