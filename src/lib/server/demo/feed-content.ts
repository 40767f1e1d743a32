/**
 * The demo organisation's feed: a morning's worth of posts, comments and reactions, so the first
 * screen someone sees is a living intranet rather than an empty page. `@{email}` in a body
 * becomes a mention of that person. A department post goes to its author's own department.
 */
export type DemoPost = {
	author: string;
	organisationWide?: boolean;
	announcement?: boolean;
	pinned?: boolean;
	minutesAgo: number;
	body: string;
	comments?: { author: string; body: string; replies?: { author: string; body: string }[] }[];
	reactions?: {
		author: string;
		kind: 'like' | 'celebrate' | 'support' | 'insightful' | 'curious';
	}[];
};

export const demoPosts: DemoPost[] = [
	{
		author: 'comms@commons.test',
		organisationWide: true,
		announcement: true,
		minutesAgo: 95,
		body: `**The new flexible working policy starts on 1 December.**

Everyone can now agree up to two remote days a week with their manager. The full policy and a short FAQ are on the knowledge pages; questions to @{comms@commons.test} or your manager.`,
		reactions: [
			{ author: 'hannah.fischer@commons.test', kind: 'celebrate' },
			{ author: 'aisha.khan@commons.test', kind: 'celebrate' },
			{ author: 'noah.kim@commons.test', kind: 'like' }
		],
		comments: [
			{
				author: 'aisha.khan@commons.test',
				body: 'Does this apply to people on fixed-term contracts too?',
				replies: [
					{
						author: 'comms@commons.test',
						body: 'Yes: everyone employed by the agency, whatever the contract.'
					}
				]
			}
		]
	},
	{
		author: 'tomas.novak@commons.test',
		pinned: true,
		minutesAgo: 240,
		body: `### Budget 2027: submissions due Friday 12:00

Please send your team's draft using the template in the Finance space. @{aisha.khan@commons.test} is collecting them and can help with the new cost codes.`,
		reactions: [{ author: 'oliver.brown@commons.test', kind: 'like' }]
	},
	{
		author: 'aisha.khan@commons.test',
		minutesAgo: 35,
		body: 'Five budget drafts in so far, thank you! A reminder that travel costs now go under **T-400**, not T-410.',
		reactions: [
			{ author: 'tomas.novak@commons.test', kind: 'support' },
			{ author: 'lucia.martinez@commons.test', kind: 'insightful' }
		]
	},
	{
		author: 'noah.kim@commons.test',
		minutesAgo: 20,
		body: `The staff Wi-Fi in the north building gets new access points tonight from 19:00 to 21:00. Expect short drops; wired desks are not affected.

Status updates: <https://status.example.org>`,
		comments: [
			{
				author: 'marcus.reid@commons.test',
				body: 'Thanks for doing it after hours. Will the depot be affected?',
				replies: [{ author: 'noah.kim@commons.test', body: 'No, only the north building.' }]
			}
		]
	},
	{
		author: 'marcus.reid@commons.test',
		minutesAgo: 60,
		body: 'Route 12 diversion ends tomorrow morning: buses return to Harbour Road from the first service. Customer Service has the updated timetable.',
		reactions: [{ author: 'rosa.delgado@commons.test', kind: 'like' }]
	},
	{
		author: 'grace.okafor@commons.test',
		organisationWide: false,
		minutesAgo: 180,
		body: `Thank you all for a remarkable quarter. The customer satisfaction survey is up eleven points, and the credit belongs to every team here.

I will host an open Q&A next Wednesday at 14:00 in the main hall and online.`,
		reactions: [
			{ author: 'daniel.mensah@commons.test', kind: 'celebrate' },
			{ author: 'priya.raman@commons.test', kind: 'celebrate' },
			{ author: 'hannah.fischer@commons.test', kind: 'support' }
		]
	},
	{
		author: 'helen.clarke@commons.test',
		minutesAgo: 75,
		body: 'Reminder: contract templates were updated last week. Please use the versions dated November 2026 from the Legal space.'
	},
	{
		author: 'zara.ahmed@commons.test',
		minutesAgo: 45,
		body: 'Interviews for the depot case are scheduled; the evidence log is in our space. This stays within Investigations.'
	}
];
