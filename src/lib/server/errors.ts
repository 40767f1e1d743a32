/**
 * Domain errors, thrown by services and mapped to HTTP once (see `httpStatusOf`). Messages are
 * written for the person who will read them: say what is wrong and what to do.
 */
export class DomainError extends Error {
	readonly status: number = 400;
	readonly code: string = 'bad_request';
}

/** Input that fails validation; `fields` maps a field name to what is wrong with it. */
export class ValidationError extends DomainError {
	override readonly status = 400;
	override readonly code = 'bad_request';
	readonly fields: Record<string, string>;
	constructor(message: string, fields: Record<string, string> = {}) {
		super(message);
		this.fields = fields;
	}
}

export class UnauthorizedError extends DomainError {
	override readonly status = 401;
	override readonly code = 'unauthorized';
}

export class ForbiddenError extends DomainError {
	override readonly status = 403;
	override readonly code = 'forbidden';
}

export class NotFoundError extends DomainError {
	override readonly status = 404;
	override readonly code = 'not_found';
}

export class ConflictError extends DomainError {
	override readonly status = 409;
	override readonly code = 'conflict';
}

export class TooManyRequestsError extends DomainError {
	override readonly status = 429;
	override readonly code = 'too_many_requests';
	readonly retryAfterSeconds: number;
	constructor(message: string, retryAfterSeconds: number) {
		super(message);
		this.retryAfterSeconds = Math.max(1, Math.ceil(retryAfterSeconds));
	}
}

/** Server is busy (e.g. too many password hashes queued); try again shortly. */
export class BusyError extends DomainError {
	override readonly status = 503;
	override readonly code = 'busy';
}
