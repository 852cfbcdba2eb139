<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * No HTTP response: connection refused or reset, DNS, TLS, timeout, or a
 * response too large. isTimeout() tells a timeout apart.
 */
class TransportException extends WfmException
{
    public function __construct(
        string $message,
        ?string $requestId,
        private readonly bool $timeout = false,
    ) {
        parent::__construct($message, $requestId);
    }

    public function isTimeout(): bool
    {
        return $this->timeout;
    }
}
