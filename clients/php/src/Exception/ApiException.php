<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * The server answered with an error status. Subclasses name the common
 * ones; this class itself is thrown for the others (400, 405, 413, 415,
 * an unexpected 3xx). getDetail() is the body's "detail": a sentence, or
 * for 422 the list of errors.
 */
class ApiException extends WfmException
{
    /**
     * @param string|array<int, mixed>|null $detail
     * @param array<string, mixed>|null $body the decoded JSON body
     * @param array<string, string> $headers lower-cased names
     */
    public function __construct(
        string $message,
        private readonly int $status,
        private readonly string|array|null $detail,
        private readonly ?array $body,
        private readonly array $headers,
        ?string $requestId,
    ) {
        parent::__construct($message, $requestId);
    }

    public function getStatus(): int
    {
        return $this->status;
    }

    /** @return string|array<int, mixed>|null */
    public function getDetail(): string|array|null
    {
        return $this->detail;
    }

    /** @return array<string, mixed>|null */
    public function getBody(): ?array
    {
        return $this->body;
    }

    public function getHeader(string $name): ?string
    {
        return $this->headers[strtolower($name)] ?? null;
    }
}
