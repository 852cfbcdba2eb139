<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * Retry-After in seconds (delay-seconds form), null when absent or not
 * a number.
 */
trait RetryAfter
{
    public function getRetryAfter(): ?int
    {
        $v = $this->getHeader('retry-after');
        return $v !== null && ctype_digit($v) ? (int) $v : null;
    }
}
