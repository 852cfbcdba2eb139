<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * Client::wait() reached its deadline before the execution ended;
 * getDocument() is the last document received.
 */
class WaitTimeoutException extends WfmException
{
    /**
     * @param array<string, mixed> $document
     */
    public function __construct(
        string $message,
        private readonly array $document,
        ?string $requestId,
    ) {
        parent::__construct($message, $requestId);
    }

    /** @return array<string, mixed> */
    public function getDocument(): array
    {
        return $this->document;
    }
}
