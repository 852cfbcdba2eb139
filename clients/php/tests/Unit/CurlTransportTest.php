<?php

declare(strict_types=1);

namespace Wfm\Tests\Unit;

use PHPUnit\Framework\TestCase;
use Wfm\Client;
use Wfm\CurlTransport;
use Wfm\Exception\TransportException;

/** The curl transport's failures, on local sockets only. */
final class CurlTransportTest extends TestCase
{
    public function testRefusedConnectionIsATransportExceptionWithTheRequestId(): void
    {
        // Bind a port, then close it: nothing listens there now.
        $srv = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        $this->assertNotFalse($srv, $errstr);
        $addr = stream_socket_get_name($srv, false);
        fclose($srv);
        $c = new Client("http://$addr/api/v1", 't', ['timeout' => 2.0]);
        try {
            $c->get('x');
            $this->fail('no exception');
        } catch (TransportException $e) {
            $this->assertFalse($e->isTimeout());
            $this->assertMatchesRegularExpression('/^[0-9a-f]{32}$/', (string) $e->getRequestId());
            $this->assertStringStartsWith("GET http://$addr/api/v1/workflow-management/executions/x: ", $e->getMessage());
        }
    }

    public function testSilentServerTimesOut(): void
    {
        // Listening but never answering: the connection sits in the backlog.
        $srv = stream_socket_server('tcp://127.0.0.1:0', $errno, $errstr);
        $this->assertNotFalse($srv, $errstr);
        $addr = stream_socket_get_name($srv, false);
        $c = new Client("http://$addr/api/v1", 't', ['timeout' => 0.3]);
        $t0 = microtime(true);
        try {
            $c->get('x');
            $this->fail('no exception');
        } catch (TransportException $e) {
            $this->assertTrue($e->isTimeout(), $e->getMessage());
            $this->assertLessThan(2.0, microtime(true) - $t0);
        } finally {
            fclose($srv);
        }
    }

    public function testOnlyHttpSchemes(): void
    {
        $this->expectException(\InvalidArgumentException::class);
        new Client('file:///etc/passwd', 't', ['transport' => new CurlTransport()]);
    }
}
