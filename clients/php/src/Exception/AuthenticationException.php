<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * 401: no token, or a malformed, expired or badly signed token.
 */
class AuthenticationException extends ApiException
{
}
