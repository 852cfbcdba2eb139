<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * Webhook::verify() rejected a delivery: a header missing or malformed,
 * a timestamp out of tolerance, or no signature that matches.
 */
class WebhookVerificationException extends WfmException
{
}
