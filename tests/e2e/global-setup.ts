/**
 * Starts the test identity provider (tests/oidc-provider.ts) in Playwright's main process, before
 * any test, and stops it after the run. Its issuer, client and the app's origin are read from the
 * web server's environment in playwright.config.ts, so the app and the provider cannot disagree.
 */
import type { FullConfig } from '@playwright/test';
import { SSO_TEST_ACCOUNT, startOidcProvider } from '../oidc-provider.ts';

export default async function globalSetup(config: FullConfig) {
	const env = config.webServer?.env ?? {};
	const { OIDC_ISSUER, OIDC_CLIENT_ID, OIDC_CLIENT_SECRET, ORIGIN } = env;
	if (!OIDC_ISSUER || !OIDC_CLIENT_ID || !OIDC_CLIENT_SECRET || !ORIGIN) {
		throw new Error('playwright.config.ts must give the web server OIDC_* and ORIGIN');
	}
	const issuer = new URL(OIDC_ISSUER);
	const provider = await startOidcProvider({
		host: issuer.hostname,
		port: Number(issuer.port),
		clients: [
			{
				clientId: OIDC_CLIENT_ID,
				clientSecret: OIDC_CLIENT_SECRET,
				redirectUris: [`${ORIGIN}/sso/callback`]
			}
		],
		accounts: [SSO_TEST_ACCOUNT]
	});
	if (provider.issuer !== issuer.origin) {
		await provider.close();
		throw new Error(`the test identity provider runs at ${provider.issuer}, not ${OIDC_ISSUER}`);
	}
	return () => provider.close();
}
