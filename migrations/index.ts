/**
 * Every migration, in order. Listed explicitly (not discovered from the folder) so that the
 * Vite bundle, the scripts and the tests all load the same set; a test checks that every
 * file in this folder is listed here.
 */
import type { Migration } from 'kysely/migration';
import * as createOrganisation from './2026_11_22_0900_create_organisation.ts';
import * as createIdentity from './2026_11_22_1000_create_identity.ts';
import * as createFeeds from './2026_11_22_1100_create_feeds.ts';
import * as createThreads from './2026_11_22_1200_create_threads.ts';
import * as createKnowledge from './2026_12_03_0800_create_knowledge.ts';
import * as createSearch from './2026_12_03_0900_create_search.ts';
import * as createMemos from './2026_12_03_1000_create_memos.ts';
import * as tuneFeedIndexes from './2026_12_03_1100_tune_feed_indexes.ts';
import * as createNotificationDelivery from './2026_12_03_1300_create_notification_delivery.ts';
import * as memoFilesAndSupersession from './2026_12_03_1400_memo_files_and_supersession.ts';
import * as createRateLimit from './2026_12_03_1600_create_rate_limit.ts';
import * as createAuditAppend from './2026_12_03_1700_create_audit_append.ts';
import * as tuneMemoIndexes from './2026_12_03_1710_tune_memo_indexes.ts';
import * as createSearchTitle from './2026_12_03_1800_create_search_title.ts';
import * as createSearchRecent from './2026_12_03_1900_create_search_recent.ts';
import * as createSearchTitledIndex from './2026_12_04_1600_create_search_titled_index.ts';
import * as searchHyphenatedWords from './2026_12_04_1610_search_hyphenated_words.ts';
import * as createKbPageFormerPath from './2026_12_04_1900_create_kb_page_former_path.ts';
import * as memoReminderPerVersion from './2026_12_04_1910_memo_reminder_per_version.ts';
import * as notificationSubjectIndex from './2026_12_04_1920_notification_subject_index.ts';
import * as signInThrottleRefusal from './2026_12_04_1930_sign_in_throttle_refusal.ts';
import * as departmentMembersOnlyIndex from './2026_12_05_0100_department_members_only_index.ts';

export const migrations: Record<string, Migration> = {
	'2026_11_22_0900_create_organisation': createOrganisation,
	'2026_11_22_1000_create_identity': createIdentity,
	'2026_11_22_1100_create_feeds': createFeeds,
	'2026_11_22_1200_create_threads': createThreads,
	'2026_12_03_0800_create_knowledge': createKnowledge,
	'2026_12_03_0900_create_search': createSearch,
	'2026_12_03_1000_create_memos': createMemos,
	'2026_12_03_1100_tune_feed_indexes': tuneFeedIndexes,
	'2026_12_03_1300_create_notification_delivery': createNotificationDelivery,
	'2026_12_03_1400_memo_files_and_supersession': memoFilesAndSupersession,
	'2026_12_03_1600_create_rate_limit': createRateLimit,
	'2026_12_03_1700_create_audit_append': createAuditAppend,
	'2026_12_03_1710_tune_memo_indexes': tuneMemoIndexes,
	'2026_12_03_1800_create_search_title': createSearchTitle,
	'2026_12_03_1900_create_search_recent': createSearchRecent,
	'2026_12_04_1600_create_search_titled_index': createSearchTitledIndex,
	'2026_12_04_1610_search_hyphenated_words': searchHyphenatedWords,
	'2026_12_04_1900_create_kb_page_former_path': createKbPageFormerPath,
	'2026_12_04_1910_memo_reminder_per_version': memoReminderPerVersion,
	'2026_12_04_1920_notification_subject_index': notificationSubjectIndex,
	'2026_12_04_1930_sign_in_throttle_refusal': signInThrottleRefusal,
	'2026_12_05_0100_department_members_only_index': departmentMembersOnlyIndex
};
