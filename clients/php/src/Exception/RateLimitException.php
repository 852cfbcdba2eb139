<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * 429: a per-user quota was hit; getRetryAfter() says when to try again.
 */
class RateLimitException extends ApiException
{
    use RetryAfter;
}
