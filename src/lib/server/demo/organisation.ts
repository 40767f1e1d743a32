/**
 * The demo organisation: a regional public agency. Deterministic, so screenshots, tests and
 * documentation can name its people. Later issues add content (posts, threads, pages, memos).
 */
export type DemoDepartment = {
	slug: string;
	name: string;
	parent: string | null;
	description: string;
	visibility?: 'organisation' | 'members-only';
};

export type DemoPerson = {
	email: string;
	name: string;
	title: string;
	department: string;
	/** Email of the person's manager. */
	manager?: string;
	/** Role keys; `manager` applies to the person's own department. */
	roles?: ('manager' | 'communications' | 'admin')[];
};

export const DEMO_ORGANISATION_NAME = 'Northbridge Regional Agency';

export const demoDepartments: DemoDepartment[] = [
	{
		slug: 'agency',
		name: 'Northbridge Regional Agency',
		parent: null,
		description: 'The whole agency: the Chief Executive’s office and everything beneath it.'
	},
	{
		slug: 'corporate-services',
		name: 'Corporate Services',
		parent: 'agency',
		description: 'Money, people and technology that keep the agency running.'
	},
	{
		slug: 'finance',
		name: 'Finance',
		parent: 'corporate-services',
		description: 'Budgets, accounts payable and financial reporting.'
	},
	{
		slug: 'procurement',
		name: 'Procurement',
		parent: 'finance',
		description: 'Tenders, contracts and supplier management.'
	},
	{
		slug: 'people-culture',
		name: 'People & Culture',
		parent: 'corporate-services',
		description: 'Recruitment, payroll, learning and wellbeing.'
	},
	{
		slug: 'digital',
		name: 'Digital Services',
		parent: 'corporate-services',
		description: 'Systems, service desk and data.'
	},
	{
		slug: 'operations',
		name: 'Operations',
		parent: 'agency',
		description: 'Services delivered to residents across the region.'
	},
	{
		slug: 'transport',
		name: 'Transport Planning',
		parent: 'operations',
		description: 'Roads, public transport and active travel plans.'
	},
	{
		slug: 'environment',
		name: 'Environment & Parks',
		parent: 'operations',
		description: 'Parks, waterways and environmental permits.'
	},
	{
		slug: 'customer-service',
		name: 'Customer Service',
		parent: 'operations',
		description: 'Contact centre and front counters.'
	},
	{
		slug: 'communications',
		name: 'Communications',
		parent: 'agency',
		description: 'Internal and public communications, media and brand.'
	},
	{
		slug: 'legal',
		name: 'Legal & Integrity',
		parent: 'agency',
		description: 'Legal advice, governance and records.'
	},
	{
		slug: 'investigations',
		name: 'Integrity Investigations',
		parent: 'legal',
		description: 'Confidential investigations. Visible to its members only.',
		visibility: 'members-only'
	}
];

const ceo = 'grace.okafor@commons.test';
const corporateDirector = 'daniel.mensah@commons.test';
const operationsDirector = 'priya.raman@commons.test';
const financeHead = 'tomas.novak@commons.test';
const digitalHead = 'mei.lin@commons.test';
const legalHead = 'samuel.adeyemi@commons.test';

export const demoPeople: DemoPerson[] = [
	{
		email: ceo,
		name: 'Grace Okafor',
		title: 'Chief Executive',
		department: 'agency',
		roles: ['manager']
	},
	{
		email: 'hannah.fischer@commons.test',
		name: 'Hannah Fischer',
		title: 'Executive Assistant',
		department: 'agency',
		manager: ceo
	},
	{
		email: corporateDirector,
		name: 'Daniel Mensah',
		title: 'Director, Corporate Services',
		department: 'corporate-services',
		manager: ceo,
		roles: ['manager']
	},
	{
		email: operationsDirector,
		name: 'Priya Raman',
		title: 'Director, Operations',
		department: 'operations',
		manager: ceo,
		roles: ['manager']
	},
	{
		email: financeHead,
		name: 'Tomás Novak',
		title: 'Head of Finance',
		department: 'finance',
		manager: corporateDirector,
		roles: ['manager']
	},
	{
		email: 'aisha.khan@commons.test',
		name: 'Aisha Khan',
		title: 'Management Accountant',
		department: 'finance',
		manager: financeHead
	},
	{
		email: 'oliver.brown@commons.test',
		name: 'Oliver Brown',
		title: 'Accounts Payable Officer',
		department: 'finance',
		manager: financeHead
	},
	{
		email: 'lucia.martinez@commons.test',
		name: 'Lucía Martínez',
		title: 'Budget Analyst',
		department: 'finance',
		manager: financeHead
	},
	{
		email: 'kwame.asante@commons.test',
		name: 'Kwame Asante',
		title: 'Procurement Lead',
		department: 'procurement',
		manager: financeHead,
		roles: ['manager']
	},
	{
		email: 'sofia.rossi@commons.test',
		name: 'Sofia Rossi',
		title: 'Contracts Officer',
		department: 'procurement',
		manager: 'kwame.asante@commons.test'
	},
	{
		email: 'ethan.walker@commons.test',
		name: 'Ethan Walker',
		title: 'Procurement Analyst',
		department: 'procurement',
		manager: 'kwame.asante@commons.test'
	},
	{
		email: 'fatima.haddad@commons.test',
		name: 'Fatima Haddad',
		title: 'Head of People & Culture',
		department: 'people-culture',
		manager: corporateDirector,
		roles: ['manager']
	},
	{
		email: 'liam.oconnor@commons.test',
		name: 'Liam O’Connor',
		title: 'Recruitment Advisor',
		department: 'people-culture',
		manager: 'fatima.haddad@commons.test'
	},
	{
		email: 'yuki.tanaka@commons.test',
		name: 'Yuki Tanaka',
		title: 'Payroll Officer',
		department: 'people-culture',
		manager: 'fatima.haddad@commons.test'
	},
	{
		email: 'chloe.dubois@commons.test',
		name: 'Chloé Dubois',
		title: 'Learning & Development Advisor',
		department: 'people-culture',
		manager: 'fatima.haddad@commons.test'
	},
	{
		email: digitalHead,
		name: 'Mei Lin',
		title: 'Head of Digital Services',
		department: 'digital',
		manager: corporateDirector,
		roles: ['manager']
	},
	{
		email: 'admin@commons.test',
		name: 'Alex Morgan',
		title: 'Systems Administrator',
		department: 'digital',
		manager: digitalHead,
		roles: ['admin']
	},
	{
		email: 'noah.kim@commons.test',
		name: 'Noah Kim',
		title: 'Service Desk Analyst',
		department: 'digital',
		manager: digitalHead
	},
	{
		email: 'isabel.silva@commons.test',
		name: 'Isabel Silva',
		title: 'Data Engineer',
		department: 'digital',
		manager: digitalHead
	},
	{
		email: 'ravi.patel@commons.test',
		name: 'Ravi Patel',
		title: 'Developer',
		department: 'digital',
		manager: digitalHead
	},
	{
		email: 'marcus.reid@commons.test',
		name: 'Marcus Reid',
		title: 'Transport Planning Manager',
		department: 'transport',
		manager: operationsDirector,
		roles: ['manager']
	},
	{
		email: 'anna.kowalski@commons.test',
		name: 'Anna Kowalski',
		title: 'Senior Transport Planner',
		department: 'transport',
		manager: 'marcus.reid@commons.test'
	},
	{
		email: 'jamal.hassan@commons.test',
		name: 'Jamal Hassan',
		title: 'Traffic Engineer',
		department: 'transport',
		manager: 'marcus.reid@commons.test'
	},
	{
		email: 'emma.johansson@commons.test',
		name: 'Emma Johansson',
		title: 'Active Travel Officer',
		department: 'transport',
		manager: 'marcus.reid@commons.test'
	},
	{
		email: 'rosa.delgado@commons.test',
		name: 'Rosa Delgado',
		title: 'Environment & Parks Manager',
		department: 'environment',
		manager: operationsDirector,
		roles: ['manager']
	},
	{
		email: 'ben.taylor@commons.test',
		name: 'Ben Taylor',
		title: 'Park Ranger',
		department: 'environment',
		manager: 'rosa.delgado@commons.test'
	},
	{
		email: 'nadia.petrova@commons.test',
		name: 'Nadia Petrova',
		title: 'Environmental Scientist',
		department: 'environment',
		manager: 'rosa.delgado@commons.test'
	},
	{
		email: 'tane.walker@commons.test',
		name: 'Tāne Walker',
		title: 'Waterways Officer',
		department: 'environment',
		manager: 'rosa.delgado@commons.test'
	},
	{
		email: 'claire.dupont@commons.test',
		name: 'Claire Dupont',
		title: 'Customer Service Manager',
		department: 'customer-service',
		manager: operationsDirector,
		roles: ['manager']
	},
	{
		email: 'diego.ramirez@commons.test',
		name: 'Diego Ramírez',
		title: 'Customer Service Advisor',
		department: 'customer-service',
		manager: 'claire.dupont@commons.test'
	},
	{
		email: 'amara.nwosu@commons.test',
		name: 'Amara Nwosu',
		title: 'Customer Service Advisor',
		department: 'customer-service',
		manager: 'claire.dupont@commons.test'
	},
	{
		email: 'george.evans@commons.test',
		name: 'George Evans',
		title: 'Counter Team Leader',
		department: 'customer-service',
		manager: 'claire.dupont@commons.test'
	},
	{
		email: 'comms@commons.test',
		name: 'Olivia Bennett',
		title: 'Head of Communications',
		department: 'communications',
		manager: ceo,
		roles: ['manager', 'communications']
	},
	{
		email: 'sam.lee@commons.test',
		name: 'Sam Lee',
		title: 'Communications Officer',
		department: 'communications',
		manager: 'comms@commons.test',
		roles: ['communications']
	},
	{
		email: 'ines.moreau@commons.test',
		name: 'Inès Moreau',
		title: 'Digital Content Editor',
		department: 'communications',
		manager: 'comms@commons.test'
	},
	{
		email: legalHead,
		name: 'Samuel Adeyemi',
		title: 'General Counsel',
		department: 'legal',
		manager: ceo,
		roles: ['manager']
	},
	{
		email: 'helen.clarke@commons.test',
		name: 'Helen Clarke',
		title: 'Senior Legal Advisor',
		department: 'legal',
		manager: legalHead
	},
	{
		email: 'victor.nguyen@commons.test',
		name: 'Victor Nguyen',
		title: 'Records Manager',
		department: 'legal',
		manager: legalHead
	},
	{
		email: 'zara.ahmed@commons.test',
		name: 'Zara Ahmed',
		title: 'Integrity Investigations Lead',
		department: 'investigations',
		manager: legalHead,
		roles: ['manager']
	},
	{
		email: 'paul.murphy@commons.test',
		name: 'Paul Murphy',
		title: 'Investigator',
		department: 'investigations',
		manager: 'zara.ahmed@commons.test'
	}
];
