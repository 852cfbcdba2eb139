<?php

declare(strict_types=1);

namespace Wfm\Tests\Integration;

use Wfm\CurlTransport;
use Wfm\Request;
use Wfm\Response;
use Wfm\Transport;

/** The real transport, with every exchange and its duration kept. */
final class RecordingTransport implements Transport
{
    /** @var list<array{Request, Response, float}> */
    public array $log = [];
    private CurlTransport $inner;

    public function __construct()
    {
        $this->inner = new CurlTransport();
    }

    public function send(Request $request): Response
    {
        $t0 = microtime(true);
        $resp = $this->inner->send($request);
        $this->log[] = [$request, $resp, microtime(true) - $t0];
        return $resp;
    }
}
