/**
 * A set-up error of the command line's surroundings (the database, the Prisma config): exit 2,
 * said plainly, without the usage line a mistake in the command itself gets.
 */
export class DatabaseSetupError extends Error {}
