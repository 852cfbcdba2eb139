<?php

declare(strict_types=1);

namespace Wfm\Exception;

/**
 * 403: the token lacks the role, or the caller may not touch the object.
 */
class ForbiddenException extends ApiException
{
}
