/**
 * CSV cells that spreadsheets show as text. A cell starting with `=`, `+`, `-` or `@` (or a tab
 * or carriage return before one) is run as a formula by Excel, LibreOffice and Google Sheets
 * when the file is opened: `=HYPERLINK(…)` in a person's name or a browser's User-Agent, written
 * by someone else, would run on the administrator's machine. As OWASP advises, such a cell gets
 * one leading apostrophe, which spreadsheets take as "text" and do not show.
 *
 * A cell that already starts with an apostrophe gets one as well, so that the change can be
 * undone exactly: removing one leading apostrophe from every cell that starts with one gives
 * back the stored values (the audit trail's export, whose hashes are over those values).
 */
export function spreadsheetSafe(value: string): string {
	return /^[=+\-@\t\r']/.test(value) ? `'${value}` : value;
}

/** The stored value of a cell written by `spreadsheetSafe`. */
export function fromSpreadsheetSafe(cell: string): string {
	return cell.startsWith("'") ? cell.slice(1) : cell;
}
