package web

import "context"

// contextLike keeps the Authenticator signature readable.
type contextLike = context.Context
