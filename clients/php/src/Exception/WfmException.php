<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * Base of every exception this library throws. getRequestId() is the
 * X-Request-Id of the exchange (the server's answer, else the one sent),
 * the key to the server's log lines for it; null where there was no
 * request (webhook verification).
 */
class WfmException extends \RuntimeException
{
    public function __construct(
        string $message,
        private readonly ?string $requestId = null,
        ?\Throwable $previous = null,
    ) {
        parent::__construct($message, 0, $previous);
    }

    public function getRequestId(): ?string
    {
        return $this->requestId;
    }
}
