<?php

declare(strict_types=1);

namespace Wfm;

use Wfm\Exception\TransportException;

/**
 * Sends one request and returns the response, whatever its status.
 * CurlTransport is the one the client uses; tests pass a fake.
 */
interface Transport
{
    /**
     * @throws TransportException when no HTTP response was received
     *         (connection refused, timeout, response too large)
     */
    public function send(Request $request): Response;
}
