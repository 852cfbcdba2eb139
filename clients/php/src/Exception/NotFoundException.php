<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * 404: unknown object or route.
 */
class NotFoundException extends ApiException
{
}
