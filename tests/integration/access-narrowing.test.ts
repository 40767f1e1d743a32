/**
 * When who may see what narrows (a person leaves a members-only department, a department is made
 * members-only), the notifications quoting what they may no longer read go too.
 */
import { describe, expect, it } from 'vitest';
import { createPost } from '../../src/lib/server/feeds/post.service.ts';
import { updateDepartment } from '../../src/lib/server/org/departments.service.ts';
import { updatePerson } from '../../src/lib/server/org/people.service.ts';
import { contextFor, grantRole, newDepartment, newUser } from '../factories.ts';
import { createTestDatabase } from './database.ts';

const { db } = await createTestDatabase();

const agency = await newDepartment(db, { slug: 'an-agency', name: 'Agency' });
const roads = await newDepartment(db, { slug: 'an-roads', name: 'Roads', parentId: agency.id });
const adminUser = await newUser(db, { departmentId: agency.id, name: 'Ada Admin' });
await grantRole(db, adminUser.id, 'admin');

const mention = (user: { id: number; name: string }) => `[@${user.name}](/people/${user.id})`;

async function mentionsOf(userId: number, postId: number) {
	return db
		.selectFrom('notification')
		.select('id')
		.where('recipientId', '=', userId)
		.where('subjectType', '=', 'post')
		.where('subjectId', '=', postId)
		.execute();
}

describe('notifications when access narrows', () => {
	it('go for someone who leaves a members-only department', async () => {
		const sealed = await newDepartment(db, {
			slug: 'an-sealed',
			name: 'Sealed',
			parentId: agency.id,
			visibility: 'members-only'
		});
		const author = await newUser(db, { departmentId: sealed.id, name: 'Ann Author' });
		const leaver = await newUser(db, { departmentId: sealed.id, name: 'Leo Leaver' });
		const stayer = await newUser(db, { departmentId: sealed.id, name: 'Sam Stayer' });
		const post = await createPost(await contextFor(db, author.id), {
			body: `Case notes for ${mention(leaver)} and ${mention(stayer)}`,
			audience: sealed.id,
			announcement: false,
			attachmentIds: []
		});
		expect(await mentionsOf(leaver.id, post.id)).toHaveLength(1);
		await updatePerson(await contextFor(db, adminUser.id), leaver.id, {
			email: leaver.email,
			name: leaver.name,
			title: '',
			departmentId: roads.id,
			managerId: null,
			bio: ''
		});
		expect(await mentionsOf(leaver.id, post.id)).toHaveLength(0);
		expect(await mentionsOf(stayer.id, post.id)).toHaveLength(1);
	});

	it('go for everyone outside a department made members-only, and stay for its members', async () => {
		const unit = await newDepartment(db, { slug: 'an-unit', name: 'Unit', parentId: agency.id });
		const team = await newDepartment(db, { slug: 'an-team', name: 'Team', parentId: unit.id });
		const author = await newUser(db, { departmentId: team.id, name: 'Tia Team' });
		const member = await newUser(db, { departmentId: unit.id, name: 'Uma Unit' });
		const outsider = await newUser(db, { departmentId: roads.id, name: 'Otto Outside' });
		const post = await createPost(await contextFor(db, author.id), {
			body: `Thanks ${mention(member)} and ${mention(outsider)}`,
			audience: team.id,
			announcement: false,
			attachmentIds: []
		});
		expect(await mentionsOf(outsider.id, post.id)).toHaveLength(1);
		await updateDepartment(await contextFor(db, adminUser.id), unit.id, {
			name: 'Unit',
			slug: 'an-unit',
			description: '',
			parentId: agency.id,
			visibility: 'members-only'
		});
		// The post is in a sub-department of the sealed one: hidden from Otto, not from Uma.
		expect(await mentionsOf(outsider.id, post.id)).toHaveLength(0);
		expect(await mentionsOf(member.id, post.id)).toHaveLength(1);
	});
});
