<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * 5xx: the service or the web server in front of it failed; a 503
 * (database unreachable) carries getRetryAfter().
 */
class ServerException extends ApiException
{
    use RetryAfter;
}
