/**
 * The demo wiki: an organisation-wide code of conduct and holiday calendar, and Finance's
 * procedures with sub-pages, [[wiki links]], a verified page and one overdue for review. Listed so
 * that every link's target comes before the page that links to it.
 */
export type DemoPage = {
	/** "organisation" or a demo department's slug */
	space: string;
	title: string;
	slug: string;
	/** The parent's slug in the same space */
	parent?: string;
	author: string;
	body: string;
	/** Days from today (negative: in the past) */
	reviewInDays?: number;
	verifiedForDays?: number;
	/** A second revision: another person's edit, so the history has something to compare. */
	revisedBy?: { author: string; body: string; summary: string };
};

const comms = 'comms@commons.test';
const financeHead = 'tomas.novak@commons.test';
const accountant = 'aisha.khan@commons.test';

export const demoPages: DemoPage[] = [
	{
		space: 'organisation',
		title: 'Code of conduct',
		slug: 'code-of-conduct',
		author: comms,
		verifiedForDays: 365,
		reviewInDays: 300,
		body: `Everyone who works for Northbridge Regional Agency, staff and contractors alike, follows this code.

## Treat people with respect

Colleagues and residents are treated courteously and fairly. Harassment, bullying and discrimination are never acceptable. Report them to your manager or to People & Culture.

## Act with integrity

- Declare gifts and hospitality worth more than €50 within five working days.
- Declare any interest that could affect, or appear to affect, your decisions.
- Never use your position for private gain.

## Look after information

Share what residents are entitled to see, and protect what they are not. Personal data stays in the systems made for it.

## Speak up

If something seems wrong, say so. You will not be disadvantaged for raising a concern in good faith.`
	},
	{
		space: 'organisation',
		title: 'Holiday calendar',
		slug: 'holiday-calendar',
		author: comms,
		reviewInDays: -12,
		body: `Public holidays on which the agency's offices are closed. Customer Service runs the emergency line every day.

## Public holidays

| Date | Holiday |
| --- | --- |
| 1 January | New Year's Day |
| Friday before Easter | Good Friday |
| Monday after Easter | Easter Monday |
| 1 May | Labour Day |
| 25 December | Christmas Day |
| 26 December | Boxing Day |

## Office closure between Christmas and New Year

The offices close from 27 to 31 December. Those days count against annual leave unless your manager agrees otherwise.`
	},
	{
		space: 'finance',
		title: 'Finance procedures',
		slug: 'procedures',
		author: financeHead,
		body: `How Finance handles money on the agency's behalf. Each procedure has an owner who keeps it current.

## Procedures

- [[Purchase orders]]
- [[Travel and expenses]]
- [[Month-end close]]

Questions go to the Finance mailbox; for anything urgent call the duty accountant.`
	},
	{
		space: 'finance',
		title: 'Purchase orders',
		slug: 'purchase-orders',
		parent: 'procedures',
		author: financeHead,
		verifiedForDays: 180,
		reviewInDays: 170,
		body: `Every purchase over €1,000 needs a purchase order **before** the supplier starts work.

## Raising a purchase order

1. Check the budget line with your cost-centre manager.
2. Raise the order in the finance system with the supplier's quote attached.
3. Wait for approval: up to €10,000 your head of department, above that the Head of Finance.

## Thresholds

| Value | Quotes needed |
| --- | --- |
| up to €10,000 | one written quote |
| €10,000 to €50,000 | three written quotes |
| over €50,000 | a tender through Procurement |`
	},
	{
		space: 'finance',
		title: 'Month-end close',
		slug: 'month-end-close',
		parent: 'procedures',
		author: accountant,
		reviewInDays: 10,
		body: `The books close on the fifth working day of each month.

## Timetable

- **Working day 1:** accruals from every department.
- **Working day 3:** journals posted and reviewed.
- **Working day 5:** management accounts to the Head of Finance.

Late accruals wait for the next month.`
	},
	{
		space: 'finance',
		title: 'Travel and expenses',
		slug: 'travel-and-expenses',
		parent: 'procedures',
		author: financeHead,
		reviewInDays: -30,
		body: `Claim what you spend on agency business within two months.

## Before you travel

Book through the travel desk. Anything over €500 needs a [[Purchase orders|purchase order]].

## Claiming

Submit receipts in the finance system. Mileage is paid at €0.30 per kilometre.`,
		revisedBy: {
			author: accountant,
			summary: 'Rail first for journeys under four hours; clearer receipts rule',
			body: `Claim what you spend on agency business within two months.

## Before you travel

Book through the travel desk. Take the train for journeys under four hours. Anything over €500 needs a [[Purchase orders|purchase order]].

## Claiming

Submit itemised receipts in the finance system; card slips alone are not enough. Mileage is paid at €0.30 per kilometre.

## Public holidays

Travel on a public holiday (see the [[Holiday calendar]]) needs your manager's approval in advance.`
		}
	}
];
