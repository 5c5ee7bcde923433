/** What JwtAuthGuard puts on `request.user`, and what tools get as `ctx.user`. */
export interface AuthenticatedUser {
  id: string;
  roles: string[];
}
