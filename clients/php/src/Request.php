<?php

declare(strict_types=1);

namespace Wfm;

/**
 * One HTTP request as the client hands it to a Transport.
 */
final class Request
{
    /**
     * @param array<string, string> $headers name => value
     * @param float $timeout whole-request limit in seconds
     */
    public function __construct(
        public readonly string $method,
        public readonly string $url,
        public readonly array $headers,
        public readonly ?string $body,
        public readonly float $timeout,
    ) {
    }
}
