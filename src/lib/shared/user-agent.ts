/**
 * A short, human description of a browser from its User-Agent, for the sessions list
 * ("Firefox on Windows"). Deliberately coarse: it helps people recognise their devices.
 */
export function describeUserAgent(userAgent: string | null): string {
	if (!userAgent) return 'Unknown device';
	const browser = /Edg\//.test(userAgent)
		? 'Edge'
		: /OPR\//.test(userAgent)
			? 'Opera'
			: /Firefox\//.test(userAgent)
				? 'Firefox'
				: /Chrome\/|Chromium\//.test(userAgent)
					? 'Chrome'
					: /Safari\//.test(userAgent)
						? 'Safari'
						: /curl|python|node|axios|Go-http/i.test(userAgent)
							? 'A script'
							: 'A browser';
	const system = /Windows/.test(userAgent)
		? 'Windows'
		: /iPhone|iPad/.test(userAgent)
			? 'iOS'
			: /Android/.test(userAgent)
				? 'Android'
				: /Mac OS X|Macintosh/.test(userAgent)
					? 'macOS'
					: /Linux/.test(userAgent)
						? 'Linux'
						: null;
	return system ? `${browser} on ${system}` : browser;
}
